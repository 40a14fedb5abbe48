import { STATUS_CODES } from 'node:http';
import {
  isFastMcpError,
  isMcpDeliveryUnknownError,
  isMcpUrlElicitationRequiredError,
} from '@app/fastmcp';
import { HttpException, HttpStatus, type Logger } from '@nestjs/common';
import type { ErrorBody } from './error-body.interface.js';
import { fastMcpErrorStatus } from './fastmcp-error-status.js';

/** The status and body an error is answered with. */
export interface ErrorReply {
  status: number;
  body: object;
}

/**
 * The answer to an error: library errors by kind (see fastMcpErrorStatus), HTTP exceptions with
 * their own body (validation messages, /health's report), body-parser's 4xx errors, and anything
 * else as a bare 500, logged to `logger`. No stack trace ever goes into a body.
 */
export function errorReply(exception: unknown, logger: Logger): ErrorReply {
  if (isFastMcpError(exception)) {
    const status = fastMcpErrorStatus(exception);
    const taskId = isMcpDeliveryUnknownError(exception) ? exception.taskId : undefined;
    const elicitations = isMcpUrlElicitationRequiredError(exception)
      ? exception.elicitations.map(({ elicitationId, url, message }) => ({
          elicitationId,
          url,
          message,
        }))
      : undefined;
    return plainReply(status, exception.message, {
      code: exception.name,
      ...(exception.clientId ? { clientId: exception.clientId } : {}),
      ...(taskId ? { taskId } : {}),
      ...(elicitations ? { elicitations } : {}),
    });
  }
  // Nest turns body-parser's JSON error into a 400 with JSON.parse's message, which quotes the
  // body (and whatever credential it holds): not sent back.
  if (exception instanceof HttpException && isJsonParseFailure(exception.cause)) {
    return plainReply(HttpStatus.BAD_REQUEST, 'the body is not valid JSON');
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    return typeof body === 'object' ? { status, body } : plainReply(status, exception.message);
  }
  const parserStatus = bodyParserStatus(exception);
  if (parserStatus !== undefined) return plainReply(parserStatus, (exception as Error).message);
  logger.error('Unhandled error', exception instanceof Error ? exception.stack : String(exception));
  return plainReply(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error');
}

/** `{ statusCode, error, message }` and `extra`, as every error body is. */
export function plainReply(
  status: number,
  message: string,
  extra: Partial<ErrorBody> = {},
): ErrorReply {
  const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
  return { status, body: { ...body, ...extra } };
}

/** The 4xx status body-parser puts on its errors (body too large, bad JSON), if it is one. */
function bodyParserStatus(exception: unknown): number | undefined {
  if (!(exception instanceof Error) || !('type' in exception)) return undefined;
  const status = (exception as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function isJsonParseFailure(cause: unknown): boolean {
  return (
    cause instanceof SyntaxError && (cause as { type?: unknown }).type === 'entity.parse.failed'
  );
}
