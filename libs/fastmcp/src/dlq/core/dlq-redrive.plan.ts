import type { ResolvedRedrivePolicy } from '../../options/fastmcp-options.interface.js';
import type { FailedOperation } from './failed-operation.interface.js';

/** Longest delay between two redrives, whatever the backoff: 30 days. */
const MAX_DELAY_MS = 30 * 24 * 3600 * 1000;

/**
 * When automatic redrive takes an entry: the first policy whose `match` holds (never an entry
 * marked `deliveryUnknown`, nor one whose arguments were capped), first after `after`, then each
 * delay `backoff` times the previous, until `maxRedrives`.
 */
export class DlqRedrivePlan {
  constructor(private readonly policies: readonly ResolvedRedrivePolicy[]) {}

  policyFor(entry: FailedOperation): ResolvedRedrivePolicy | undefined {
    if (entry.deliveryUnknown || entry.redriveExhausted || entry.argumentsTruncated) {
      return undefined;
    }
    return this.policies.find(({ match }) => {
      const fits = (allowed: readonly string[] | undefined, value: string): boolean =>
        allowed === undefined || allowed.includes(value);
      return (
        fits(match.errorClass, entry.errorClass) &&
        fits(match.operation, entry.operation) &&
        fits(match.clientId, entry.clientId)
      );
    });
  }

  /**
   * Time (ms) of a stored entry's next redrive: its `nextRedriveAt` when it has one (an imported
   * entry), else `after` from now; 0 when no policy takes it.
   */
  firstDueAt(entry: FailedOperation, nowMs: number): number {
    const policy = this.policyFor(entry);
    if (!policy) return 0;
    const planned = entry.nextRedriveAt ? Date.parse(entry.nextRedriveAt) : Number.NaN;
    return Number.isFinite(planned) && planned > 0 ? planned : nowMs + policy.afterMs;
  }

  /**
   * After redrive number `entry.redriveCount` failed: the next time (ms), 0 when no policy
   * takes the entry any more, or `exhausted` when it used up `maxRedrives`.
   */
  nextDueAt(entry: FailedOperation, nowMs: number): number | 'exhausted' {
    const policy = this.policyFor(entry);
    if (!policy) return 0;
    const done = entry.redriveCount ?? 0;
    if (done >= policy.maxRedrives) return 'exhausted';
    // 0 × Infinity (after 0 and a backoff^n past the largest number) is NaN: no delay then.
    const grown = policy.afterMs === 0 ? 0 : policy.afterMs * policy.backoff ** done;
    return nowMs + Math.min(grown, MAX_DELAY_MS);
  }
}
