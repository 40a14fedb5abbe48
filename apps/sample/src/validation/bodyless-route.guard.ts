import type { IncomingMessage } from 'node:http';
import {
  BadRequestException,
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { routeTakes } from './route-param-types.js';

/** Parameters through which a route reads its body: `@Body()`, the raw body, the request. */
const BODY_READERS = [RouteParamtypes.BODY, RouteParamtypes.RAW_BODY, RouteParamtypes.REQUEST];

/**
 * A route that reads no body refuses one: `{"force":true}` sent to POST /dlq/:id/replay (whose
 * force is a query parameter) would otherwise be dropped without a word, and the entry replayed
 * without force, or refused.
 */
@Injectable()
export class BodylessRouteGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    if (!hasBody(request) || routeTakes(context, BODY_READERS)) return true;
    throw new BadRequestException('this endpoint takes no body');
  }
}

function hasBody({ headers }: IncomingMessage): boolean {
  const length = Number(headers['content-length'] ?? 0);
  return headers['transfer-encoding'] !== undefined || (Number.isFinite(length) && length > 0);
}
