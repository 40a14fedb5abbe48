import {
  BadRequestException,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { Reflector } from '@nestjs/core';
import { OPS_ENDPOINT } from '../auth/auth.constants.js';
import { routeTakes } from './route-param-types.js';

const NAMES_SHOWN = 5;
const NAME_CHARS_SHOWN = 64;

/**
 * A route that reads no query (no `@Query()` parameter) refuses any: `?priority=high` on a tool
 * call would otherwise be ignored without a word. Routes with a query DTO are checked by the
 * ValidationPipe instead; /metrics and /health are left to monitors, which may add their own.
 */
@Injectable()
export class UnknownQueryGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const { query } = context.switchToHttp().getRequest<{ query?: object }>();
    const names = Object.keys(query ?? {});
    if (
      names.length === 0 ||
      routeTakes(context, [RouteParamtypes.QUERY]) ||
      this.isOpsEndpoint(context)
    )
      return true;
    const shown = names.slice(0, NAMES_SHOWN).map((name) => name.slice(0, NAME_CHARS_SHOWN));
    throw new BadRequestException(
      `this endpoint takes no query parameters; got ${shown.join(', ')}` +
        (names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : ''),
    );
  }

  private isOpsEndpoint(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride(OPS_ENDPOINT, [context.getHandler(), context.getClass()]) !==
      undefined
    );
  }
}
