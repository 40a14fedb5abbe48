import type {
  CircuitBreakerOptions,
  RateLimitOptions,
  ResilienceOptions,
  ResolvedResilienceOptions,
  RetryBudgetOptions,
} from './resilience-options.interface.js';

export const DEFAULT_CIRCUIT_BREAKER: Readonly<CircuitBreakerOptions> = Object.freeze({
  mode: 'consecutive',
  consecutiveFailures: 5,
  failureRate: 0.5,
  windowMs: 10_000,
  minimumAttempts: 10,
  openMs: 30_000,
  halfOpenProbes: 1,
});

export const DEFAULT_RETRY_BUDGET: Readonly<RetryBudgetOptions> = Object.freeze({
  ratio: 0.1,
  minPerSecond: 10,
});

export const DEFAULT_RATE_LIMIT: Readonly<RateLimitOptions> = Object.freeze({
  requestsPerSecond: 100,
  maxConcurrent: 64,
  maxQueue: 256,
  adaptive: true,
  minRequestsPerSecond: 1,
});

/** Merges a server's resilience options over the module's, then the defaults. */
export function resolveResilience(
  moduleLevel: ResilienceOptions = {},
  serverLevel: ResilienceOptions = {},
): ResolvedResilienceOptions {
  return {
    circuitBreaker: merge(
      DEFAULT_CIRCUIT_BREAKER,
      false,
      moduleLevel.circuitBreaker,
      serverLevel.circuitBreaker,
    ),
    retryBudget: merge(
      DEFAULT_RETRY_BUDGET,
      true,
      moduleLevel.retryBudget,
      serverLevel.retryBudget,
    ),
    rateLimit: merge(DEFAULT_RATE_LIMIT, false, moduleLevel.rateLimit, serverLevel.rateLimit),
  };
}

function merge<T extends object>(
  defaults: Readonly<T>,
  onByDefault: boolean,
  moduleLevel: Partial<T> | false | undefined,
  serverLevel: Partial<T> | false | undefined,
): Readonly<T> | false {
  const chosen = serverLevel ?? moduleLevel;
  if (chosen === false || (chosen === undefined && !onByDefault)) return false;
  const base = moduleLevel === false || moduleLevel === undefined ? {} : moduleLevel;
  const own = serverLevel === false || serverLevel === undefined ? {} : serverLevel;
  return Object.freeze({ ...defaults, ...base, ...own });
}
