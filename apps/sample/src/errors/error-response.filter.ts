import { STATUS_CODES } from 'node:http';
import { isFastMcpError } from '@app/fastmcp';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { ErrorBody } from './error-body.interface.js';
import { fastMcpErrorStatus } from './fastmcp-error-status.js';

interface ReplyTarget {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

interface Reply {
  status: number;
  body: object;
}

/**
 * Catches every error and writes its error response: the one place errors become HTTP. Library
 * errors by kind (see fastMcpErrorStatus), HTTP exceptions with their own body (validation
 * messages, /health's report), body-parser's 4xx errors, and anything else as a bare 500. No
 * stack trace ever goes into a body.
 */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('Sample');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ReplyTarget>();
    const { status, body } = this.reply(exception);
    if (!response.headersSent) response.status(status).json(body);
  }

  private reply(exception: unknown): Reply {
    if (isFastMcpError(exception)) {
      const status = fastMcpErrorStatus(exception);
      return plain(status, exception.message, {
        code: exception.name,
        ...(exception.clientId ? { clientId: exception.clientId } : {}),
      });
    }
    // Nest turns body-parser's JSON error into a 400 with JSON.parse's message, which quotes the
    // body (and whatever credential it holds): not sent back.
    if (exception instanceof HttpException && isJsonParseFailure(exception.cause)) {
      return plain(HttpStatus.BAD_REQUEST, 'the body is not valid JSON');
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      return typeof body === 'object' ? { status, body } : plain(status, exception.message);
    }
    const parserStatus = bodyParserStatus(exception);
    if (parserStatus !== undefined) return plain(parserStatus, (exception as Error).message);
    this.logger.error(
      'Unhandled error',
      exception instanceof Error ? exception.stack : String(exception),
    );
    return plain(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error');
  }
}

function plain(status: number, message: string, extra: Partial<ErrorBody> = {}): Reply {
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
