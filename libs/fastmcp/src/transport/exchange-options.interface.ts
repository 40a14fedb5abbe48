import type { Progress } from '@modelcontextprotocol/sdk/types.js';

/** What one request asks of its exchange with the server beyond the answer. */
export interface ExchangeOptions {
  /** Ask for progress: a progressToken goes into `_meta`, progress reaches `onProgress`. */
  progress?: {
    onProgress?: (progress: Progress) => void;
    /** Progress restarts the attempt timeout, up to `maxAttemptMs` from the attempt's start. */
    resetTimeout: boolean;
    maxAttemptMs?: number;
    /**
     * The token, when not the request's id: a tool call that runs as a task hears its token on
     * the requests that follow the task too, since the token lives as long as the task.
     */
    token?: string;
    /** Hear `token` without sending it: it is an earlier request's, still alive. */
    heardOnly?: boolean;
  };
  /** Headers of this one request, over the target's (e.g. `Mcp-Method`, `Mcp-Param-*`). */
  headers?: Record<string, string>;
  /**
   * Failures that are this request's expected answer (a 2025-era server's refusal of an era
   * probe): its span ends without an error status. The failure is thrown all the same.
   */
  expectedFailure?: (failure: unknown) => boolean;
}
