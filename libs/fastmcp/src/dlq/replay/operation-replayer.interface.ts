import type { AttemptRecord, FailedOperation } from '../core/failed-operation.interface.js';

/** The outcome of re-running a dead-lettered operation once, with the client's normal retry. */
export type ReplayOutcome =
  | { ok: true; result: unknown }
  | {
      ok: false;
      error: unknown;
      errorSummary: string;
      errorClass: string;
      attempts: AttemptRecord[];
      /** The call may have run this time (as `deliveryUnknown` of a first failure). */
      deliveryUnknown?: boolean;
    };

/** Re-runs a dead-lettered operation; `EnhancedFastMcpService` implements it. */
export interface OperationReplayer {
  /**
   * `signal` aborts when the replay's lease is lost: the call must stop. Throws (rather than
   * returns) FastMcpShutdownError only when it refused the call before sending anything, as the
   * app is shutting down: the entry is then left as it was.
   */
  replay(entry: FailedOperation, signal?: AbortSignal): Promise<ReplayOutcome>;
}

/** Injection token of the `OperationReplayer`. */
export const OPERATION_REPLAYER = Symbol('FastMcp:OperationReplayer');
