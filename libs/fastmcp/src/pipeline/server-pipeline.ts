import type { Delivery, FastMcpError } from '../errors/fastmcp.error.js';
import type { AttemptInfo, AttemptPolicy, RetryVerdict } from './attempt-policy.interface.js';

/**
 * The attempt policies of one server, composed in order like cockatiel's `wrap`: an attempt is
 * admitted only when every policy admits it (a refusal releases what earlier ones granted), and
 * every policy hears how it ended, with the stamp it admitted the attempt with.
 *
 * One operation uses one pipeline (the policies are the server's, shared): its attempts run one
 * after another, so the outcome it reports is that of the attempt it admitted last.
 */
export class ServerPipeline {
  /** True when a policy may make an attempt wait (a rate limit): admission then needs a bound. */
  readonly admitMayWait: boolean;
  /** The stamps of the last attempt admitted, by policy; empty when its admission was refused. */
  private readonly stamps = new Map<AttemptPolicy, number>();
  /** What the last attempt admitted can lend (see `lend`); empty once it is released. */
  private lends: Array<() => () => void> = [];

  constructor(readonly policies: readonly AttemptPolicy[]) {
    this.admitMayWait = policies.some((policy) => policy.admitMayWait === true);
  }

  /** Admits one attempt; returns its release, or throws the refusing policy's error. */
  async admit(attempt: AttemptInfo, signal?: AbortSignal): Promise<() => void> {
    this.stamps.clear();
    const releases: Array<() => void> = [];
    const lends: Array<() => () => void> = [];
    const releaseAll = (): void => {
      if (this.lends === lends) this.lends = [];
      for (const release of releases.splice(0).reverse()) release();
    };
    try {
      for (const policy of this.policies) {
        if (!policy.admit) continue;
        const admission = await policy.admit(attempt, signal);
        if (!admission.admitted) throw admission.error;
        if (admission.release) releases.push(admission.release);
        if (admission.lend) lends.push(admission.lend);
        if (admission.stamp !== undefined) this.stamps.set(policy, admission.stamp);
      }
    } catch (error) {
      this.stamps.clear();
      releaseAll();
      throw error;
    }
    if (lends.length > 0) this.lends = lends;
    return releaseAll;
  }

  /**
   * Lends what the attempt admitted last holds (its bulkhead slot) while a handler answers the
   * server's request on its stream: that attempt cannot end before the handler does, so a call
   * the handler makes to the same server must not wait for its slot. Returns the take-back.
   */
  lend(): () => void {
    const reclaims = this.lends.map((lend) => lend());
    return () => {
      for (const reclaim of reclaims) reclaim();
    };
  }

  succeeded(attempt: AttemptInfo): void {
    for (const policy of this.policies) policy.onSuccess?.(attempt, this.stamps.get(policy));
  }

  failed(attempt: AttemptInfo, error: FastMcpError, delivery: Delivery): void {
    for (const policy of this.policies) {
      policy.onFailure?.(attempt, error, delivery, this.stamps.get(policy));
    }
  }

  allowRetry(attempt: AttemptInfo): RetryVerdict {
    for (const policy of this.policies) {
      const verdict = policy.allowRetry?.(attempt);
      if (verdict && !verdict.allowed) return verdict;
    }
    return { allowed: true };
  }
}

/**
 * A pipeline with no policies: every attempt is admitted, every retry allowed. Shared by every
 * operation without one: with no policy it holds no stamp to mix up.
 */
export const OPEN_PIPELINE = new ServerPipeline([]);
