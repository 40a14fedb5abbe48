import type { Provider } from '@nestjs/common';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';

/** Time source and sleep of the retry loop; replaced by a fake in unit tests. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with McpAbortedError at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const FASTMCP_CLOCK = Symbol('FastMcp:Clock');

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new McpAbortedError());
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new McpAbortedError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export const SYSTEM_CLOCK: Provider = { provide: FASTMCP_CLOCK, useValue: systemClock };
