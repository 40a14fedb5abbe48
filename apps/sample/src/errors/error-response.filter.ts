import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { errorReply } from './error-reply.js';

interface ReplyTarget {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

/** Catches every error and writes its error response: the one place errors become HTTP. */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('Sample');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ReplyTarget>();
    const { status, body } = errorReply(exception, this.logger);
    if (!response.headersSent) response.status(status).json(body);
  }
}
