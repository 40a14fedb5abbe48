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

/** Maps every error to a JSON body: library errors by kind, HTTP exceptions as they are, the rest 500. */
@Catch()
export class FastMcpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Sample');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ReplyTarget>();
    const body = this.toBody(exception);
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (isFastMcpError(exception)) {
      const statusCode = fastMcpErrorStatus(exception);
      return {
        statusCode,
        error: STATUS_CODES[statusCode] ?? 'Error',
        message: exception.message,
        code: exception.name,
        ...(exception.clientId ? { clientId: exception.clientId } : {}),
      };
    }
    if (exception instanceof HttpException) return httpBody(exception);
    const status = bodyParserStatus(exception);
    if (status !== undefined)
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: (exception as Error).message,
      };
    this.logger.error(
      'Unhandled error',
      exception instanceof Error ? exception.stack : String(exception),
    );
    const statusCode = HttpStatus.INTERNAL_SERVER_ERROR;
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: 'internal error' };
  }
}

function httpBody(exception: HttpException): ErrorBody {
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? (response.message as string | string[])
      : exception.message;
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** The 4xx status body-parser sets on its errors (body too large, bad JSON), if any. */
function bodyParserStatus(exception: unknown): number | undefined {
  if (!(exception instanceof Error) || !('type' in exception)) return undefined;
  const status = (exception as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
