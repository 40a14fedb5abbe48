import { describe, expect, it } from 'vitest';
import { waitAtShutdown, withTimeout } from './dlq-runtime.js';

/** Timers that keep the process alive (an unref'd one is not listed). */
const liveTimers = (): number =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('shutdown waits', () => {
  it('hold the process open while they wait, where a store timeout does not', async () => {
    let finish = (): void => undefined;
    const work = new Promise<void>((resolve) => (finish = resolve));
    const before = liveTimers();

    const storing = withTimeout(work, 60_000, () => new Error('late'));
    expect(liveTimers()).toBe(before);
    // A hung job (a custom replayer) would otherwise let Node exit halfway through shutdown.
    const waiting = waitAtShutdown(work, 'Bulk replay jobs', { warn: () => undefined });
    expect(liveTimers()).toBe(before + 1);

    finish();
    await Promise.all([storing, waiting]);
    expect(liveTimers()).toBe(before);
  });
});
