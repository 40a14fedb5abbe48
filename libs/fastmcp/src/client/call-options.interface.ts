import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { RetryOptions } from '../options/retry-options.interface.js';

/** Options of one call. */
export interface CallOptions {
  /** Aborts the call at once, waits included; an aborted call is never retried or dead-lettered. */
  signal?: AbortSignal;
  /** Total time for this call, retries included, in ms (at most `retry.totalTimeoutMs`). */
  timeoutMs?: number;
  /** Overrides of the module's retry policy for this call. */
  retry?: Partial<RetryOptions>;
  /** Receives the server's `notifications/progress` for this call. */
  onProgress?: (progress: Progress) => void;
  /** A progress notification restarts the attempt timeout. Default: on for `tools/call`. */
  resetTimeoutOnProgress?: boolean;
  /** Hard cap on one attempt however much progress arrives, in ms. Default: the call's budget. */
  maxTotalTimeoutMs?: number;
  /**
   * Runs the tool as a task (2025-11-25) when its server and its listing allow it. A tool whose
   * listing says `execution.taskSupport: 'required'` runs as one whatever this says.
   */
  task?: boolean;
  /** DLQ priority if this call is dead-lettered. Default: the tool's `priority`, else `normal`. */
  priority?: 'high' | 'normal' | 'low';
}
