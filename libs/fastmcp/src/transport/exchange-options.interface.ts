import type { Progress } from '@modelcontextprotocol/sdk/types.js';

/** What one request asks of its exchange with the server beyond the answer. */
export interface ExchangeOptions {
  /** Ask for progress: a progressToken goes into `_meta`, progress reaches `onProgress`. */
  progress?: {
    onProgress?: (progress: Progress) => void;
    /** Progress restarts the attempt timeout, up to `maxAttemptMs` from the attempt's start. */
    resetTimeout: boolean;
    maxAttemptMs?: number;
  };
  /** Headers of this one request, over the target's (e.g. `Mcp-Method`, `Mcp-Param-*`). */
  headers?: Record<string, string>;
  /**
   * Failures that are this request's expected answer (a 2025-era server's refusal of an era
   * probe): its span ends without an error status. The failure is thrown all the same.
   */
  expectedFailure?: (failure: unknown) => boolean;
}
