import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { type Abortable, AbortHandle, throwIfAborted } from './abort-handle.js';

describe('AbortHandle', () => {
  it('is aborted by the caller, with its reason', () => {
    const caller = new AbortController();
    const stop = new AbortHandle(caller.signal);
    const listener = vi.fn();
    stop.addEventListener('abort', listener);
    expect(stop.aborted).toBe(false);
    caller.abort('caller');
    expect(stop.aborted).toBe(true);
    expect(stop.reason).toBe('caller');
    expect(listener).toHaveBeenCalledOnce();
  });

  it('is aborted by abort, the first abort winning', () => {
    const caller = new AbortController();
    const stop = new AbortHandle(caller.signal);
    const listener = vi.fn();
    stop.addEventListener('abort', listener);
    stop.abort('shutdown');
    caller.abort('caller');
    stop.abort('again');
    expect(stop.reason).toBe('shutdown');
    expect(listener).toHaveBeenCalledOnce();

    const callerFirst = new AbortController();
    const other = new AbortHandle(callerFirst.signal);
    callerFirst.abort('caller');
    other.abort('shutdown');
    expect(other.reason).toBe('caller');
  });

  it('calls no listener taken off before the abort', () => {
    const stop = new AbortHandle();
    const listener = vi.fn();
    stop.addEventListener('abort', listener);
    stop.removeEventListener('abort', listener);
    stop.abort('shutdown');
    expect(listener).not.toHaveBeenCalled();
  });

  it('gives a signal that follows the caller and abort, made aborted when the call was', () => {
    const caller = new AbortController();
    const followsCaller = new AbortHandle(caller.signal).signal;
    caller.abort('caller');
    expect(followsCaller.reason).toBe('caller');

    const stop = new AbortHandle();
    const signal = stop.signal;
    expect(stop.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    stop.abort('shutdown');
    expect(signal.reason).toBe('shutdown');

    const late = new AbortHandle();
    late.abort('before');
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe('before');
  });

  it('leaves no listener on the caller once detached', () => {
    const caller = new AbortController();
    const stop = new AbortHandle(caller.signal);
    const listener = vi.fn();
    stop.addEventListener('abort', listener);
    void stop.signal;
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(2);
    stop.detach();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    caller.abort('late');
    expect(listener).not.toHaveBeenCalled();
  });

  it('stands where an AbortSignal is read, as a real signal does', () => {
    const listen = (abortable: Abortable): string[] => {
      const heard: string[] = [];
      const removed = (): void => void heard.push('removed');
      abortable.addEventListener('abort', () => void heard.push('abort'), { once: true });
      abortable.addEventListener('abort', removed, { once: true });
      abortable.removeEventListener('abort', removed);
      expect(() => throwIfAborted(abortable)).not.toThrow();
      return heard;
    };
    const handle = new AbortHandle();
    const controller = new AbortController();
    const onHandle = listen(handle);
    const onSignal = listen(controller.signal);
    handle.abort('timeout');
    handle.abort('again');
    controller.abort('timeout');
    expect(onHandle).toEqual(['abort']);
    expect(onSignal).toEqual(['abort']);
    for (const abortable of [handle, controller.signal]) {
      expect(() => throwIfAborted(abortable)).toThrow('timeout');
    }
    expect(() => throwIfAborted(undefined)).not.toThrow();
  });
});
