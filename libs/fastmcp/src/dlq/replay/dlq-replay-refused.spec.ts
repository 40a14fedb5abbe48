import { afterEach, describe, expect, it } from 'vitest';
import {
  bootDlq,
  type DlqInstance,
  FakeReplayer,
  failedInput,
  TestClock,
} from '../../../../../test/support/dlq/dlq-test-context.js';
import {
  FastMcpShutdownError,
  isFastMcpShutdownError,
} from '../../errors/fastmcp-shutdown.error.js';

/**
 * The race the replay service's own check cannot close: the app starts shutting down after the
 * replay took its entry's lease, and admission refuses the call (the replayer throws
 * FastMcpShutdownError, nothing sent). The entry must be left as it was.
 */
describe('a replay refused by admission after it began (shutting down)', () => {
  let instance: DlqInstance | undefined;

  afterEach(async () => {
    await instance?.module.close();
    instance = undefined;
  });

  async function refusingSetup() {
    const clock = new TestClock();
    const replayer = new FakeReplayer();
    replayer.next = () => Promise.reject(new FastMcpShutdownError('no new call is accepted'));
    instance = await bootDlq(
      { store: 'memory', redrive: [{ after: 60_000, maxRedrives: 3 }] },
      clock,
      replayer,
    );
    const stored = await instance.dlq.store(failedInput());
    return { ...instance, stored, replayer, clock };
  }

  it('rethrows the shutdown error and leaves the entry as it was, lease released', async () => {
    const { dlq, replays, stored, replayer } = await refusingSetup();
    const before = await dlq.get(stored.id);
    expect(before?.nextRedriveAt).toBeDefined();

    const error = await replays.replay(stored.id).catch((e: unknown) => e);

    expect(isFastMcpShutdownError(error)).toBe(true);
    expect(replayer.calls).toHaveLength(1);
    expect(await dlq.get(stored.id)).toEqual(before);
    const storage = dlq.activeStorage();
    expect(await storage.dueCount()).toBe(1);
    // The lease is released: the next replay may take the entry at once.
    replayer.next = () => Promise.resolve({ ok: true, result: 'ok' });
    await expect(replays.replay(stored.id)).resolves.toMatchObject({ id: stored.id });
  });

  it('a redrive so refused uses up no redrive and tells its caller (onRefused)', async () => {
    const { dlq, replays, stored, events, clock } = await refusingSetup();
    clock.advance(60_000);
    const before = await dlq.get(stored.id);
    let refused = false;

    const error = await replays
      .run(stored.id, { redrive: true, onRefused: () => (refused = true) })
      .catch((e: unknown) => e);

    expect(isFastMcpShutdownError(error)).toBe(true);
    expect(refused).toBe(true);
    expect(await dlq.get(stored.id)).toEqual(before);
    expect(events.filter(([name]) => name === 'dlq.replayed')).toEqual([]);
  });
});
