import type { Delivery, FastMcpError } from '../errors/fastmcp.error.js';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import type { RateLimitOptions } from '../options/resilience-options.interface.js';
import { AdaptiveRate } from './adaptive-rate.js';
import type { Admission, AttemptInfo, AttemptPolicy } from './attempt-policy.interface.js';
import type { PolicyContext } from './policy-context.js';
import { TokenBucket } from './token-bucket.js';

/**
 * A bulkhead and a rate limit for one server. An attempt needs a slot (at most `maxConcurrent`
 * admitted and not released) and a token (from a bucket refilled at the current rate). Attempts
 * that cannot have both at once wait in one FIFO queue of at most `maxQueue`; past it they fail
 * at once with RateLimitedError. The head of the queue takes its slot and its token together:
 * a token taken early and then held while waiting for a slot would let a burst out later.
 * With `adaptive`, throttling answers (429, Retry-After) halve the rate and successes raise it
 * back (AIMD, see AdaptiveRate). Like TCP's one cut per window, a burst of throttles halves it
 * once: an attempt admitted before the last halving (its stamp) does not halve it again.
 *
 * cockatiel's BulkheadPolicy is not used: it is `execute(fn)`-shaped, while this pipeline admits
 * in one hook and releases in another; an aborted waiter stays in its queue until dequeued; it has
 * no queue-length event and no rate limit.
 */
export class RateLimitPolicy implements AttemptPolicy {
  readonly admitMayWait = true;
  private inFlight = 0;
  private readonly queue: Array<{ grant: () => void }> = [];
  private readonly rate: AdaptiveRate;
  private readonly bucket: TokenBucket;
  /** The one sleep until the head's token is due; aborted when it is no longer needed. */
  private tokenSleep: AbortController | undefined;
  /** How many times throttling lowered the rate: the stamp of each attempt admitted. */
  private lowerings = 0;

  constructor(
    private readonly context: PolicyContext,
    private readonly options: Readonly<RateLimitOptions>,
  ) {
    this.rate = new AdaptiveRate(options.requestsPerSecond, options.minRequestsPerSecond);
    this.bucket = new TokenBucket(this.rate.current, context.clock.now());
  }

  /** Attempts waiting for a slot or a token now. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Requests per second allowed now (lower than configured after throttling). */
  get currentRate(): number {
    return this.rate.current;
  }

  async admit(attempt: AttemptInfo, signal?: AbortSignal): Promise<Admission> {
    const { clock, events, server } = this.context;
    if (signal?.aborted) throw this.aborted(attempt);
    if (this.queue.length === 0 && this.hasSlot() && this.bucket.tryTake(clock.now())) {
      this.inFlight += 1;
      return this.admission();
    }
    if (this.queue.length >= this.options.maxQueue) {
      const fields = { clientId: server, operation: attempt.operation };
      return { admitted: false, error: new RateLimitedError(server, fields) };
    }
    const since = clock.now();
    await this.waitForTurn(attempt, signal);
    const waitedMs = clock.now() - since;
    if (waitedMs > 0) events.emit('ratelimit.waited', { server, waitedMs });
    return this.admission();
  }

  onSuccess(): void {
    if (!this.options.adaptive) return;
    const before = this.rate.current;
    if (this.rate.increase() !== before) this.rateChanged();
  }

  onFailure(
    _attempt: AttemptInfo,
    error: FastMcpError,
    _delivery?: Delivery,
    stamp?: number,
  ): void {
    if (!this.options.adaptive || !isThrottle(error)) return;
    // Sent at a rate already halved for: its throttle belongs to a burst answered before.
    if (stamp !== undefined && stamp < this.lowerings) return;
    const before = this.rate.current;
    if (this.rate.decrease() === before) return;
    this.lowerings += 1;
    this.rateChanged();
  }

  private hasSlot(): boolean {
    return this.inFlight < this.options.maxConcurrent;
  }

  /**
   * An admitted attempt; its release frees the slot once, however often it is called. While
   * lent (by one handler or several), the slot is free for others; taking it back may go past
   * `maxConcurrent` for a while, as waiting for it could wait for the handler's own call.
   */
  private admission(): Admission {
    let held = true;
    let lent = 0;
    const free = (): void => {
      this.inFlight -= 1;
      this.pump();
    };
    const release = (): void => {
      if (!held) return;
      held = false;
      if (lent === 0) free();
    };
    const lend = (): (() => void) => {
      if (!held) return () => undefined;
      lent += 1;
      if (lent === 1) free();
      let back = false;
      return () => {
        if (back) return;
        back = true;
        lent -= 1;
        if (lent === 0 && held) this.inFlight += 1;
      };
    };
    return { admitted: true, release, lend, stamp: this.lowerings };
  }

  /** Queues the attempt; resolves once `pump` gave it a slot and a token. */
  private waitForTurn(attempt: AttemptInfo, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.queue.splice(this.queue.indexOf(waiter), 1);
        this.queueChanged();
        if (this.queue.length === 0) this.cancelTokenSleep();
        reject(this.aborted(attempt));
      };
      const waiter = {
        grant: (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.queueChanged();
      this.pump();
    });
  }

  /** Lets waiters go, oldest first, while a slot and a token are both there. */
  private pump(): void {
    while (this.queue.length > 0 && this.hasSlot()) {
      const now = this.context.clock.now();
      if (!this.bucket.tryTake(now)) {
        this.sleepUntilToken(this.bucket.msUntilToken(now));
        return;
      }
      this.inFlight += 1;
      const [waiter] = this.queue.splice(0, 1);
      this.queueChanged();
      waiter?.grant();
    }
  }

  private sleepUntilToken(ms: number): void {
    if (this.tokenSleep) return;
    const sleep = new AbortController();
    this.tokenSleep = sleep;
    this.context.clock.sleep(ms, sleep.signal).then(
      () => {
        if (this.tokenSleep !== sleep) return;
        this.tokenSleep = undefined;
        this.pump();
      },
      () => undefined, // cancelled: the queue emptied or the rate changed
    );
  }

  private cancelTokenSleep(): void {
    this.tokenSleep?.abort();
    this.tokenSleep = undefined;
  }

  /** The head's token is due at another time now: sleep again for the new due time. */
  private rateChanged(): void {
    this.bucket.setRate(this.rate.current, this.context.clock.now());
    if (!this.tokenSleep) return;
    this.cancelTokenSleep();
    this.pump();
  }

  private queueChanged(): void {
    const { events, server } = this.context;
    events.emit('bulkhead.queue', { server, queued: this.queue.length });
  }

  private aborted(attempt: AttemptInfo): McpAbortedError {
    return new McpAbortedError({ clientId: this.context.server, operation: attempt.operation });
  }
}

/**
 * A 429, or a 503 that says when to come back (Retry-After): the statuses whose Retry-After the
 * retry honours. A Retry-After on any other status (a 413) says nothing about the rate.
 */
function isThrottle(error: FastMcpError): boolean {
  if (!isMcpHttpError(error)) return false;
  return error.status === 429 || (error.status === 503 && error.retryAfterMs !== undefined);
}

/** The rate limit and bulkhead of `context.server`, or undefined when `rateLimit` is off. */
export function rateLimitPolicy(context: PolicyContext): AttemptPolicy | undefined {
  const options = context.options.rateLimit;
  return options === false ? undefined : new RateLimitPolicy(context, options);
}
