import type { RetryOptions } from '../options/retry-options.interface.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { ExchangeOptions } from '../transport/exchange-options.interface.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { McpSession } from './mcp-session.interface.js';

/** What a request knows about the tool it calls, for the headers some eras derive from it. */
export interface ToolRouting {
  /** The tool as last listed (its `inputSchema` names the `x-mcp-header` arguments). */
  tool?: Tool;
  /** Lists the tools again and returns this one: a header mismatch asks for it. */
  refreshTool?: () => Promise<Tool | undefined>;
  /** Whether the tool may run again after an answer that says it may have run. */
  safeToRepeat?: (ambiguousToolCalls: RetryOptions['ambiguousToolCalls']) => boolean;
  /**
   * The call's input rounds so far, kept across its attempts (2026-07-28 `input_required`): a
   * retry sends again the round that failed, never the rounds the server already answered.
   */
  rounds?: InputRounds;
}

/** The rounds a call's server answered with `input_required`, and what the next one sends. */
export interface InputRounds {
  answered: number;
  /** The `inputResponses` and `requestState` of the next round. */
  next?: Record<string, unknown>;
}

/**
 * One client id's connection to its server, in whichever era negotiation chose: a 2025 session
 * (`initialize`, session id, GET stream) or a 2026-07-28 connection (`_meta` envelope, no
 * session). Callers never ask which.
 */
export interface McpConnection {
  readonly session: McpSession;
  /** Where requests go, as a dead-letter entry records it. */
  readonly target: HttpTarget;
  /** Closes the GET stream, when the client listens on one. */
  stopListening?: () => void;
  /** True once the server said the session is gone (a 404 to its GET stream): not reused. */
  readonly lost?: boolean;
  /** Sends one request and returns its (complete) result: one attempt of `run`. */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    run: RetryRun,
    exchange?: ExchangeOptions,
    routing?: ToolRouting,
  ): Promise<Record<string, unknown>>;
  /**
   * The handlers' answers to the `inputRequests` of a task that needs input (2026-07-28 tasks
   * extension): `{ inputResponses }`. Only a modern connection has it.
   */
  answerInput?(result: Record<string, unknown>, run: RetryRun): Promise<Record<string, unknown>>;
  /** Asks the server to stop a task, in the background (a modern connection's own way). */
  cancelTask?(taskId: string): void;
  /** True when this failure means the connection must be negotiated again. Default: never. */
  isBroken?(error: unknown): boolean;
  /** Ends the connection on the server (a 2025 session's DELETE); nothing for a modern one. */
  end(): Promise<void>;
}
