import type { IncomingMessage } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { mediaTypeOf } from '../validation/media-type.js';
import { contentEncodingOf, isDecodable } from './decoded-body.js';

/**
 * 415 for an import that is not application/x-ndjson, or compressed otherwise than gzip,
 * deflate or br. A JSON body in particular was already read by the JSON body parser, so the
 * import would find nothing left to read.
 */
@Injectable()
export class NdjsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    if (mediaTypeOf(request) !== 'application/x-ndjson') {
      throw new UnsupportedMediaTypeException(
        'send the import as application/x-ndjson (what GET /dlq/export gives)',
      );
    }
    if (!isDecodable(request)) {
      throw new UnsupportedMediaTypeException(
        `unsupported content encoding "${contentEncodingOf(request)}": send gzip, deflate, br or none`,
      );
    }
    return true;
  }
}
