import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkedSignal } from './linked-signal.js';

describe('linkedSignal', () => {
  it('aborts with the reason of whichever source aborts first', () => {
    const caller = new AbortController();
    const shutdown = new AbortController();
    const linked = linkedSignal([caller.signal, shutdown.signal]);
    expect(linked.signal.aborted).toBe(false);

    shutdown.abort('shutting down');
    caller.abort('caller');
    expect(linked.signal.reason).toBe('shutting down');
  });

  it('is aborted at once with the first aborted source, in order', () => {
    const linked = linkedSignal([AbortSignal.abort('first'), AbortSignal.abort('second')]);
    expect(linked.signal.reason).toBe('first');
  });

  it('leaves no listener on its sources once detached', () => {
    const caller = new AbortController();
    const shutdown = new AbortController();
    const linked = linkedSignal([caller.signal, shutdown.signal]);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);

    linked.detach();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    caller.abort();
    expect(linked.signal.aborted).toBe(false);
  });
});
