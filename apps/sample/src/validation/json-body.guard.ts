import type { IncomingMessage } from 'node:http';
import {
  BadRequestException,
  type CanActivate,
  type ExecutionContext,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { jsonBodyBytes } from './json-body-bytes.js';
import { jsonBodyKeyProblems } from './json-body-keys.js';
import { mediaTypeOf } from './media-type.js';

export interface JsonBodyGuardOptions {
  /** Refuse (400) a request with no body, so that none is ever taken for `{}`. Default false. */
  required?: boolean;
}

/**
 * 415 for a request with a body that is not JSON (text/plain, a form...): only JSON is parsed, so
 * such a body would otherwise reach the handler as no body at all. An empty body passes unless
 * `required`. Applied as an instance: `@UseGuards(new JsonBodyGuard('the tool call'))`.
 */
export class JsonBodyGuard implements CanActivate {
  constructor(
    private readonly subject: string,
    private readonly options: JsonBodyGuardOptions = {},
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    const { headers } = request;
    const declared =
      headers['transfer-encoding'] !== undefined ||
      (headers['content-length'] !== undefined && headers['content-length'] !== '0');
    if (declared && mediaTypeOf(request) !== 'application/json') {
      throw new UnsupportedMediaTypeException(`send ${this.subject} as application/json`);
    }
    // A chunked body may still have no byte in it.
    const hasBody = declared && jsonBodyBytes(request) !== 0;
    if (!hasBody && this.options.required) {
      throw new BadRequestException(`send ${this.subject} as a JSON body`);
    }
    const problems = jsonBodyKeyProblems(request);
    if (problems.length > 0) throw new BadRequestException(problems);
    return true;
  }
}
