import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/** `fetch` for the OAuth flow, each request bounded by `timeoutMs` (no hang on a silent server). */
export function fetchWithTimeout(timeoutMs: number): FetchLike {
  return (url, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(url, { ...init, signal });
  };
}
