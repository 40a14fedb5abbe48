import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

describe('FakeClock (manual)', () => {
  it('keeps the other sleeps when a sleep that already ended is aborted', async () => {
    const clock = new FakeClock(0, false);
    const first = new AbortController();
    const ended = clock.sleep(10, first.signal);
    let laterEnded = false;
    const later = clock.sleep(50).then(() => (laterEnded = true));
    clock.advance(10);
    await ended;
    first.abort();
    expect(clock.pendingSleeps).toBe(1);
    clock.advance(40);
    await later;
    expect(laterEnded).toBe(true);
  });

  it('rejects a sleep aborted while it waits, and forgets it', async () => {
    const clock = new FakeClock(0, false);
    const controller = new AbortController();
    const sleeping = clock.sleep(10, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toThrow();
    expect(clock.pendingSleeps).toBe(0);
  });
});
