/** A circuit breaker per server: fails fast while the server is failing. */
export interface CircuitBreakerOptions {
  /**
   * `consecutive`: open after `consecutiveFailures` failed attempts in a row. `rate`: open when
   * at least `failureRate` of the attempts in the last `windowMs` failed (with at least
   * `minimumAttempts` of them). Default `consecutive`.
   */
  mode: 'consecutive' | 'rate';
  /** Default 5. */
  consecutiveFailures: number;
  /** Fraction 0.01..1. Default 0.5. */
  failureRate: number;
  /** In ms (1000..2147483647). Default 10000. */
  windowMs: number;
  /** Default 10. */
  minimumAttempts: number;
  /**
   * How long the circuit stays open before probes are let through, in ms (1..2147483647).
   * Default 30000.
   */
  openMs: number;
  /** Probes let through while half-open; all must succeed to close. Default 1. */
  halfOpenProbes: number;
}

/** A retry budget per server: retries are at most a fraction of requests. */
export interface RetryBudgetOptions {
  /** Retries allowed per request sent. Default 0.1. */
  ratio: number;
  /** Retries allowed per second whatever the traffic. Default 10. */
  minPerSecond: number;
}

/** A rate limit and bulkhead per server. */
export interface RateLimitOptions {
  /** Attempts per second. Default 100. */
  requestsPerSecond: number;
  /** Attempts in flight at once. Default 64. */
  maxConcurrent: number;
  /** Attempts waiting for a slot or a token; past it, RateLimitedError at once. Default 256. */
  maxQueue: number;
  /** 429 and Retry-After lower the rate (multiplicatively); successes raise it back. Default true. */
  adaptive: boolean;
  /** Lowest rate adaptation may reach, per second; at most `requestsPerSecond`. Default 1. */
  minRequestsPerSecond: number;
}

/**
 * The per-server attempt pipeline's policies. Each is `false` to turn it off, or its options
 * (fields default as documented). Set at module level and per server (`servers.X.resilience`).
 */
export interface ResilienceOptions {
  /** Default: off. `{}` turns it on with the defaults. */
  circuitBreaker?: Partial<CircuitBreakerOptions> | false;
  /** Default: on, with the defaults. */
  retryBudget?: Partial<RetryBudgetOptions> | false;
  /** Default: off. `{}` turns it on with the defaults. */
  rateLimit?: Partial<RateLimitOptions> | false;
}

export interface ResolvedResilienceOptions {
  circuitBreaker: Readonly<CircuitBreakerOptions> | false;
  retryBudget: Readonly<RetryBudgetOptions> | false;
  rateLimit: Readonly<RateLimitOptions> | false;
}
