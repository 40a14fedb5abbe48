import type { IncomingMessage } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { ADMIN_API_KEY, OPS_ENDPOINT } from './auth.constants.js';
import { constantTimeEqual } from './constant-time-equal.js';

/**
 * Every route needs the admin API key, as `Authorization: Bearer <key>` or `x-api-key: <key>`,
 * except /metrics and /health while METRICS_PUBLIC / HEALTH_PUBLIC are true.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
    @Inject(ADMIN_API_KEY) private readonly apiKey: string,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const ops = this.reflector.getAllAndOverride<'metrics' | 'health' | undefined>(OPS_ENDPOINT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (ops === 'metrics' && this.config.metricsPublic) return true;
    if (ops === 'health' && this.config.healthPublic) return true;
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    // Node keeps the first of two Authorization headers: a second, other key went unseen.
    if ((request.headersDistinct.authorization?.length ?? 0) > 1) {
      throw new UnauthorizedException('two Authorization headers: send one');
    }
    const { apiKey, bearer } = presentedKeys(request);
    // Two keys that disagree: whichever this guard read, the other was meant to be checked.
    if (apiKey !== undefined && bearer !== undefined && !constantTimeEqual(apiKey, bearer)) {
      throw new UnauthorizedException(
        'two different API keys: send one, or the same key as x-api-key and Authorization: Bearer',
      );
    }
    const given = apiKey ?? bearer;
    if (given === undefined) {
      throw new UnauthorizedException(
        'missing API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"',
      );
    }
    if (!constantTimeEqual(given, this.apiKey)) throw new UnauthorizedException('invalid API key');
    return true;
  }
}

function presentedKeys(request: IncomingMessage): { apiKey?: string; bearer?: string } {
  const header = request.headers['x-api-key'];
  const apiKey = typeof header === 'string' && header !== '' ? header : undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return { apiKey, bearer: match?.[1] };
}
