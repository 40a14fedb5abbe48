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
    };

/** Re-runs a dead-lettered operation; `EnhancedFastMcpService` implements it. */
export interface OperationReplayer {
  replay(entry: FailedOperation): Promise<ReplayOutcome>;
}

/** Injection token of the `OperationReplayer`. */
export const OPERATION_REPLAYER = Symbol('FastMcp:OperationReplayer');
