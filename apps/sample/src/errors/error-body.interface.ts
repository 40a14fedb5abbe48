/** The body of every error response: no stack trace, no header, no secret. */
export interface ErrorBody {
  statusCode: number;
  /** The status text, e.g. `Not Found`. */
  error: string;
  /** What went wrong; validation errors list one message per bad field. */
  message: string | string[];
  /** The library error's name, e.g. `RetryExhaustedError`, when one caused it. */
  code?: string;
  /** The MCP client id involved, when known. */
  clientId?: string;
  /**
   * The task a tool call left running when it failed with delivery unknown: its result is at
   * `GET /mcp/clients/:clientId/tasks/:taskId/result`.
   */
  taskId?: string;
}
