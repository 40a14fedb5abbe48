import { type McpServerConfig } from '@app/fastmcp';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/**
 * `mcp:<clientId>`: the server answers an HTTP request within the timeout with a status below 500.
 * The check sends no configured header, no URL credentials (fetch refuses a URL holding them) and
 * reports no address, so /health can stay public.
 */
@Injectable()
export class McpServerHealthIndicator {
  constructor(@Inject(HealthIndicatorService) private readonly health: HealthIndicatorService) {}

  async check(
    clientId: string,
    server: McpServerConfig,
    timeoutMs: number,
  ): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(`mcp:${clientId}`);
    try {
      const response = await fetch(withoutCredentials(server.url), {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return response.status < 500
        ? indicator.up()
        : indicator.down({ message: `HTTP ${response.status}` });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return indicator.down({
        message: timedOut ? `no answer within ${timeoutMs}ms` : 'unreachable',
      });
    }
  }
}

/** `url` without `user:password@`. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}
