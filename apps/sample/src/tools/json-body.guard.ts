import type { IncomingMessage } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';

/**
 * 415 for a request with a body that is not JSON (text/plain, a form...): only JSON is parsed, so
 * such a body would otherwise reach the handler as no body at all. An empty body passes.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<IncomingMessage>();
    const hasBody =
      headers['transfer-encoding'] !== undefined ||
      (headers['content-length'] !== undefined && headers['content-length'] !== '0');
    const mediaType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (hasBody && mediaType !== 'application/json') {
      throw new UnsupportedMediaTypeException('send the tool call as application/json');
    }
    return true;
  }
}
