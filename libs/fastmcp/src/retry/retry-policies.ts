import { Inject, Injectable } from '@nestjs/common';
import type { CallOptions } from '../client/call-options.interface.js';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { MAX_TIMER_MS } from '../options/option-limits.js';
import { OptionChecks } from '../options/option-checks.js';
import type { RetryOptions } from '../options/retry-options.interface.js';
import { retryPolicyFields } from '../options/retry-policy-fields.js';
import { OPERATION_NAMES, type OperationName } from '../events/operation-name.js';
import { checkRetry } from '../options/validate-options.js';

/**
 * The retry policy of each operation: the module's `retry`, then `servers[clientId].retry`, then
 * `retry.operations[op]` of the module and of the server, then the call's own `opts.retry`.
 */
@Injectable()
export class RetryPolicies {
  private readonly byOperation = new Map<string, Readonly<RetryOptions>>();

  constructor(@Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions) {}

  /** The policy of a client id's server (validated at start-up, merged once). */
  forClient(clientId: string): Readonly<RetryOptions> {
    return this.forOperation(clientId);
  }

  /** How many merged policies are kept now. */
  get policyCount(): number {
    return this.byOperation.size;
  }

  /** Forgets the client id's merged policies. */
  forget(clientId: string): void {
    for (const operation of [undefined, ...OPERATION_NAMES]) {
      this.byOperation.delete(policyKey(clientId, operation));
    }
  }

  /** The policy of one kind of operation on a client id's server (merged once). */
  forOperation(clientId: string, operation?: OperationName): Readonly<RetryOptions> {
    const key = policyKey(clientId, operation);
    let policy = this.byOperation.get(key);
    if (!policy) {
      const own = this.options.servers[clientId]?.retry;
      const layers = [
        retryPolicyFields(own),
        operation ? this.options.retryOperations[operation] : undefined,
        operation ? own?.operations?.[operation] : undefined,
      ].filter((layer) => layer !== undefined);
      policy =
        layers.length === 0
          ? this.options.retry
          : Object.freeze(Object.assign({}, this.options.retry, ...layers) as RetryOptions);
      this.byOperation.set(key, policy);
    }
    return policy;
  }

  /** The policy of one call; its overrides are checked like the module options. */
  forCall(clientId: string, opts: CallOptions, operation?: OperationName): Readonly<RetryOptions> {
    const base = this.forOperation(clientId, operation);
    if (!opts.retry && opts.timeoutMs === undefined) return base;
    const policy = { ...base, ...opts.retry };
    const checks = new OptionChecks();
    if (opts.retry) checkRetry(checks, policy, 'opts.retry');
    if (opts.timeoutMs !== undefined) {
      checks.number('opts.timeoutMs', opts.timeoutMs, 1, MAX_TIMER_MS);
    }
    if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues, 'call');
    return policy;
  }
}

function policyKey(clientId: string, operation?: OperationName): string {
  return `${operation ?? ''}\u0000${clientId}`;
}
