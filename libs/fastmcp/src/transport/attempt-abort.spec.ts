import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { AbortHandle } from '../retry/abort-handle.js';
import { abortOf, signalledFallback } from './attempt-abort.js';
import type { SocketHook } from './lean-http.adapter.js';

const configOf = (extra: object): InternalAxiosRequestConfig =>
  ({ url: 'http://127.0.0.1/mcp', ...extra }) as InternalAxiosRequestConfig;

describe('a request attempt abort', () => {
  it("is the attempt's handle when the transport passed one, else axios's signal", () => {
    const attemptAbort = new AbortHandle();
    const signal = new AbortController().signal;
    expect(abortOf(configOf({ attemptAbort, signal }))).toBe(attemptAbort);
    expect(abortOf(configOf({ signal }))).toBe(signal);
    expect(abortOf(configOf({}))).toBeUndefined();
  });

  it("gives axios's own adapter a signal that follows the handle, and keeps a given one", async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const adapter: AxiosAdapter = (config) => {
      seen.push(config.signal as AbortSignal | undefined);
      return Promise.resolve({} as AxiosResponse);
    };
    const fallback = signalledFallback(adapter);
    const attemptAbort = new AbortHandle();
    await fallback(configOf({ attemptAbort } satisfies SocketHook));
    expect(seen[0]).toBe(attemptAbort.signal);
    attemptAbort.abort('timeout');
    expect(seen[0]?.reason).toBe('timeout');

    const own = new AbortController().signal;
    await fallback(configOf({ attemptAbort: new AbortHandle(), signal: own }));
    await fallback(configOf({}));
    expect(seen.slice(1)).toEqual([own, undefined]);
  });
});
