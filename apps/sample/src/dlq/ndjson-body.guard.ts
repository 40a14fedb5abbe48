import type { IncomingMessage } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';

/**
 * 415 for an import that is not application/x-ndjson. A JSON body in particular was already
 * read by the JSON body parser, so the import would find nothing left to read.
 */
@Injectable()
export class NdjsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<IncomingMessage>();
    const mediaType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/x-ndjson') {
      throw new UnsupportedMediaTypeException(
        'send the import as application/x-ndjson (what GET /dlq/export gives)',
      );
    }
    return true;
  }
}
