import { type IncomingHttpHeaders } from 'node:http';

/** Answer with this status without forwarding. */
export interface StatusFault {
  readonly kind: 'status';
  readonly code: number;
  /** Sent as the Retry-After header (seconds or an HTTP date). */
  readonly retryAfter?: string | number;
  /** Response body: a string is sent as text/plain, anything else as JSON. Default: a short text. */
  readonly body?: unknown;
}

/** Destroy the client socket with a TCP RST, without answering (ECONNRESET on the client). */
export interface ResetFault {
  readonly kind: 'reset';
}

/** Accept the request and never answer (until the proxy closes or `releaseHung()`). */
export interface HangFault {
  readonly kind: 'hang';
}

/** Forward, send the upstream headers, then cut the connection mid-body. */
export interface CutStreamFault {
  readonly kind: 'cutStream';
  /**
   * Forward exactly this many body bytes, then destroy the socket. Default: forward none, but
   * write one SSE comment (`: cut by fault proxy`) so the client sees the stream open first.
   */
  readonly afterBytes?: number;
}

/** Answer as if the server lost the session: 404 (spec) or 400 (what some servers do). */
export interface DropSessionFault {
  readonly kind: 'dropSession';
  /** Default: 404 with a JSON-RPC error "Session not found". 400 says "No valid session ID". */
  readonly status?: 404 | 400;
}

/**
 * Forward, let the upstream answer in full (the server did the work), then lose that answer:
 * reply `code` with an empty body (a gateway's 502 or 504), or `code` (default 200) with the JSON
 * `answer` makes of the request's JSON-RPC id (an answer that is not the server's), or, with
 * neither, send the upstream headers and an SSE comment, then cut the connection.
 */
export interface LoseAnswerFault {
  readonly kind: 'loseAnswer';
  readonly code?: number;
  /** The body of the `code` answer, as text/plain (a gateway's words). Default: none. */
  readonly text?: string;
  readonly answer?: (id: unknown) => unknown;
}

/**
 * Forward, let the upstream answer in full (the server did the work at once), then relay that
 * answer `ms` late: a slow network on the way back. A client that gives up meanwhile gets nothing.
 */
export interface DelayAnswerFault {
  readonly kind: 'delayAnswer';
  readonly ms: number;
}

export type Fault =
  | StatusFault
  | ResetFault
  | HangFault
  | CutStreamFault
  | DropSessionFault
  | LoseAnswerFault
  | DelayAnswerFault;

/** Which requests a fault applies to; every given field must match. Empty: any request. */
export interface FaultMatch {
  /** JSON-RPC method in the POST body (any message of a batch), e.g. 'tools/call'. */
  readonly method?: string;
  /** `params.name` of that message, e.g. the tool name of a 'tools/call'. */
  readonly toolName?: string;
  /** HTTP method, e.g. 'GET' for the standalone SSE stream. */
  readonly httpMethod?: string;
}

export interface FaultRule {
  readonly match?: FaultMatch;
  readonly fault: Fault;
  /** How many matching requests get the fault. Default: 1. */
  readonly times?: number;
  /** How many matching requests pass untouched before the fault applies. Default: 0. */
  readonly after?: number;
}

/** A queued rule, live: `remaining` goes down and `hits` up as requests match it. */
export interface InjectedFault {
  readonly rule: FaultRule;
  remaining: number;
  hits: number;
  /** Matching requests let through so far (see `after`). */
  passed: number;
}

/** One request the proxy received. */
export interface ProxyRequestLog {
  readonly httpMethod: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** First JSON-RPC method in the body, if any. */
  readonly jsonRpcMethod?: string;
  /** `params.name` of that first message (the tool of a tools/call). */
  readonly toolName?: string;
  readonly body: string;
  /** `Date.now()` when the request headers arrived. */
  readonly time: number;
  /** The fault applied, or undefined when forwarded untouched. */
  readonly fault?: Fault;
  /** Status sent to the client (upstream or injected); undefined for reset/hang. */
  status?: number;
}
