import type {
  CreateMessageRequest,
  CreateMessageResult,
  CreateMessageResultWithTools,
  ElicitRequest,
  ElicitResult,
  ListRootsResult,
} from '@modelcontextprotocol/sdk/types.js';

/** An elicitation mode a client may declare (`form`: data through the client; `url`: a link). */
export type ElicitationMode = 'form' | 'url';

/** Where a server's request came from. */
export interface ServerRequestContext {
  clientId: string;
  /**
   * Aborts when the call that carried the request ends, or when the server cancels it. For a
   * request sent as a task: when the server cancels the task (`tasks/cancel`), its ttl runs out,
   * or the session ends; not when the stream that carried it does.
   */
  signal: AbortSignal;
  /** The task's id, when the server sent the request as a task (2025-11-25). */
  taskId?: string;
}

/**
 * Answers to requests that servers send to the client. A capability is declared in `initialize`
 * only when its handler is set; a request without a handler is answered with -32601.
 * With `forRootAsync`, build these in `useFactory` to use injected services.
 */
export interface McpClientHandlers {
  /**
   * `elicitation/create` in the modes of `elicitationModes`: form (schema defaults are filled into
   * an accepted answer) and, if declared, url (its `url` checked and given as parsed; answer with
   * the action alone, after the person consented; in a 2026-07-28 round it has no
   * `elicitationId`, which that revision dropped).
   */
  elicitation?: (
    params: ElicitRequest['params'],
    context: ServerRequestContext,
  ) => Promise<ElicitResult> | ElicitResult;
  /**
   * The elicitation modes declared with `elicitation` (it needs that handler): `['form']` by
   * default; add `'url'` to let servers send people to URLs (`['form', 'url']`, or `['url']`).
   */
  elicitationModes?: readonly ElicitationMode[];
  /** `sampling/createMessage`; with `tools` in `params` (see `samplingTools`), tool calls may answer. */
  sampling?: (
    params: CreateMessageRequest['params'],
    context: ServerRequestContext,
  ) =>
    | Promise<CreateMessageResult | CreateMessageResultWithTools>
    | CreateMessageResult
    | CreateMessageResultWithTools;
  /**
   * Declare sampling with tools (`sampling: { tools: {} }`, SEP-1577): servers may then send the
   * sampling handler `tools` and take tool calls in its answer; without it they must send none.
   * Needs `sampling`. Default false.
   */
  samplingTools?: boolean;
  /**
   * Let servers send `elicitation/create` and `sampling/createMessage` as tasks (2025-11-25
   * sessions): declares `tasks` in `initialize` for those whose handler is set, and answers the
   * server's `tasks/get`, `tasks/result`, `tasks/list` and `tasks/cancel`. With false, nothing is
   * declared and a request's `task` is ignored (answered as a plain request). Default true.
   */
  taskRequests?: boolean;
  /** `roots/list`. */
  roots?: (context: ServerRequestContext) => Promise<ListRootsResult> | ListRootsResult;
}
