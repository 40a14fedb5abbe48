import type { AxiosAdapter, InternalAxiosRequestConfig } from 'axios';
import type { Abortable } from '../retry/abort-handle.js';
import type { SocketHook } from './lean-http.adapter.js';

/** What aborts a request: its attempt's handle, which the transport passes, or axios's `signal`. */
export function abortOf(config: InternalAxiosRequestConfig): Abortable | undefined {
  return (config as SocketHook).attemptAbort ?? (config.signal as AbortSignal | undefined);
}

/**
 * axios's own adapter listens only to `signal`: a request with an attempt's handle gets the
 * handle's signal there (made then, so a request the lean adapters send makes none).
 */
export function signalledFallback(fallback: AxiosAdapter): AxiosAdapter {
  return (config) => {
    const attempt = (config as SocketHook).attemptAbort;
    if (attempt && !config.signal) config.signal = attempt.signal;
    return fallback(config);
  };
}
