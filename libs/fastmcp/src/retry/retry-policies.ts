import { Inject, Injectable } from '@nestjs/common';
import type { CallOptions } from '../client/call-options.interface.js';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { OptionChecks } from '../options/option-checks.js';
import type { RetryOptions } from '../options/retry-options.interface.js';
import { checkRetry } from '../options/validate-options.js';

/**
 * The retry policy of each server: the module's `retry`, then `servers[clientId].retry`, then
 * the call's own `opts.retry`. Per-server concerns (a circuit breaker, a retry budget) join here.
 */
@Injectable()
export class RetryPolicies {
  private readonly byClient = new Map<string, Readonly<RetryOptions>>();

  constructor(@Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions) {}

  /** The policy of a client id's server (validated at start-up, merged once). */
  forClient(clientId: string): Readonly<RetryOptions> {
    let policy = this.byClient.get(clientId);
    if (!policy) {
      const own = this.options.servers[clientId]?.retry;
      policy = own ? Object.freeze({ ...this.options.retry, ...own }) : this.options.retry;
      this.byClient.set(clientId, policy);
    }
    return policy;
  }

  /** The policy of one call; its overrides are checked like the module options. */
  forCall(clientId: string, opts: CallOptions): Readonly<RetryOptions> {
    const base = this.forClient(clientId);
    if (!opts.retry && opts.timeoutMs === undefined) return base;
    const policy = { ...base, ...opts.retry };
    const checks = new OptionChecks();
    if (opts.retry) checkRetry(checks, policy, 'opts.retry');
    if (opts.timeoutMs !== undefined) checks.number('opts.timeoutMs', opts.timeoutMs, 1);
    if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues);
    return policy;
  }
}
