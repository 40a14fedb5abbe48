import {
  ErrorCode,
  type JSONRPCErrorResponse,
  type McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamText } from '../transport/upstream-text.js';

/** The JSON-RPC error a server's request is answered with. */
export type ServerRequestError = JSONRPCErrorResponse['error'];

/** A method the client does not answer (no handler, or none at all): -32601. */
export class MethodNotFound extends Error {}

/**
 * Params that are not what the method takes: -32602. The message, when given, is the client's
 * own words (never the server's): it goes back to the server as is.
 */
export class InvalidParams extends Error {}

/** An elicitation in a mode the client did not declare (e.g. `url` when it declared `form`). */
export class UndeclaredMode extends InvalidParams {
  constructor(readonly mode: string) {
    super();
  }
}

/** An elicitation whose params are not valid: `problem` says why, in the client's words. */
export class InvalidElicitation extends InvalidParams {
  constructor(readonly problem: string) {
    super(`Invalid params for elicitation/create: ${problem}`);
  }
}

/**
 * A request whose answer is already decided: this JSON-RPC error (the `tasks/result` of a task
 * that failed or was cancelled, a task refused for want of room).
 */
export class ErrorAnswer extends Error {
  constructor(readonly error: ServerRequestError) {
    super(error.message);
  }
}

/**
 * The JSON-RPC error that answers a request whose handling threw `error`: -32601, -32602, the
 * code of an McpError the handler threw on purpose (its message capped and scrubbed of the
 * exchange's secrets), else -32603 with words of the client's own (a handler's error may quote
 * anything).
 */
export function errorFor(
  error: unknown,
  method: string,
  upstream: UpstreamText,
): ServerRequestError {
  if (error instanceof ErrorAnswer) return error.error;
  if (error instanceof MethodNotFound) {
    return { code: ErrorCode.MethodNotFound, message: `Method not found: ${method}` };
  }
  if (error instanceof UndeclaredMode) {
    return {
      code: ErrorCode.InvalidParams,
      message: `Elicitation mode not declared: ${error.mode.slice(0, 100)}`,
    };
  }
  if (error instanceof InvalidParams) {
    return {
      code: ErrorCode.InvalidParams,
      message: error.message || `Invalid params for ${method}`,
    };
  }
  // An McpError the handler threw on purpose keeps its code: -1 when a person refused sampling.
  if (isThrownMcpError(error)) {
    return { code: error.code, message: upstream.excerpt(error.message, 200) };
  }
  return { code: ErrorCode.InternalError, message: `The client could not answer ${method}` };
}

/** An McpError of the SDK (by name: the app may have its own copy of the SDK). */
function isThrownMcpError(error: unknown): error is McpError {
  return (
    error instanceof Error &&
    error.name === 'McpError' &&
    Number.isInteger((error as { code?: unknown }).code)
  );
}
