import type {
  CircuitBreakerOptions,
  RateLimitOptions,
  ResilienceOptions,
  RetryBudgetOptions,
} from '@app/fastmcp';
import type { EnvReader } from './env-reader.js';

export const RESILIENCE_ENV = 'FASTMCP_RESILIENCE';

type Fields<T> = Readonly<Record<keyof T, true>>;

/** Every field of each policy (a Record, so the compiler notices a field added to the module). */
const POLICY_FIELDS: Readonly<Record<keyof ResilienceOptions, Fields<unknown>>> = {
  circuitBreaker: {
    mode: true,
    consecutiveFailures: true,
    failureRate: true,
    windowMs: true,
    minimumAttempts: true,
    openMs: true,
    halfOpenProbes: true,
  } satisfies Fields<CircuitBreakerOptions>,
  retryBudget: { ratio: true, minPerSecond: true } satisfies Fields<RetryBudgetOptions>,
  rateLimit: {
    requestsPerSecond: true,
    maxConcurrent: true,
    maxQueue: true,
    adaptive: true,
    minRequestsPerSecond: true,
  } satisfies Fields<RateLimitOptions>,
};

/**
 * FASTMCP_RESILIENCE: the module-level resilience options as JSON, e.g.
 * `{"circuitBreaker":{"consecutiveFailures":5,"openMs":30000},"rateLimit":{"requestsPerSecond":50}}`.
 * Values are checked by the module's own validation; here, the JSON's shape and field names.
 */
export function readResilienceEnv(env: EnvReader): ResilienceOptions | undefined {
  const raw = env.json(RESILIENCE_ENV);
  if (raw === undefined) return undefined;
  return checkResilienceFields(env, RESILIENCE_ENV, 'resilience', raw);
}

/**
 * Checks the field names of a `resilience` object (of FASTMCP_RESILIENCE, or of a server in
 * FASTMCP_SERVERS), so a misspelt `openMS` is named under its variable with the fields it could
 * be. Returns the object when every name is known.
 */
export function checkResilienceFields(
  env: EnvReader,
  variable: string,
  where: string,
  raw: unknown,
): ResilienceOptions | undefined {
  if (!isRecord(raw)) {
    return env.fail(
      variable,
      `${where}: expected a JSON object of policies (${names(POLICY_FIELDS)})`,
    );
  }
  const before = env.issues.length;
  for (const [policy, value] of Object.entries(raw)) {
    if (!Object.hasOwn(POLICY_FIELDS, policy)) {
      env.fail(
        variable,
        `${where}.${policy}: unknown policy (expected one of ${names(POLICY_FIELDS)})`,
      );
      continue;
    }
    if (value === false || !isRecord(value)) continue; // the module names a bad value
    const fields = POLICY_FIELDS[policy as keyof ResilienceOptions];
    for (const field of Object.keys(value).filter((name) => !Object.hasOwn(fields, name))) {
      env.fail(
        variable,
        `${where}.${policy}.${field}: unknown field (expected one of ${names(fields)})`,
      );
    }
  }
  return env.issues.length === before ? raw : undefined;
}

function names(fields: object): string {
  return Object.keys(fields).join(', ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
