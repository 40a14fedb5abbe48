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
  /**
   * What the user must complete, each at its URL, before the server takes the call
   * (`McpUrlElicitationRequiredError`, 409): show the URL, then send the call again.
   */
  elicitations?: Array<{ elicitationId: string; url: string; message: string }>;
}
