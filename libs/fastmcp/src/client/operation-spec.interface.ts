import type { RetryOptions } from '../options/retry-options.interface.js';
import type { OperationName } from '../events/operation-name.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { HttpTarget } from '../transport/http-target.interface.js';

/** One operation as the runner sees it: what to try, and what to record if it fails for good. */
export interface OperationSpec<T> {
  operation: OperationName;
  clientId: string;
  toolName?: string;
  arguments?: Record<string, unknown>;
  /** The JSON-RPC method and params, kept in the dead-letter entry for replay. */
  method: string;
  params?: Record<string, unknown>;
  /** The target of the last attempt (for the dead-letter entry), if one was resolved. */
  lastTarget(): HttpTarget | undefined;
  /** One attempt; HTTP-level retries happen inside it under the same run. */
  attempt(run: RetryRun): Promise<T>;
  /**
   * Whether the request may be re-sent after a failure that may have reached the server.
   * Absent for safe operations (connect, list_tools), which always may.
   */
  safeToRepeat?(ambiguousToolCalls: RetryOptions['ambiguousToolCalls']): boolean;
  /** Forgets the session so that the next attempt re-initialises. */
  dropSession(): void;
  /**
   * Whether the running attempt got as far as sending its own request (past its session's
   * handshake). Absent: whatever request is out counts.
   */
  ownRequestOut?(): boolean;
}

export interface RunMode {
  /** False for the single-attempt API (`connect`, `listTools`, `callTool`). */
  retry: boolean;
  /** False when replaying an entry: the DLQ keeps the entry itself. */
  deadLetter: boolean;
  /** The id of the dead-letter entry being replayed (named on the operation's span). */
  replayOf?: string;
  /** The `traceparent` that entry was stored with (its replay's span links to it). */
  replayedTrace?: string;
}

export type RunOutcome<T> =
  { ok: true; value: T; run: RetryRun } | { ok: false; error: unknown; run: RetryRun };
