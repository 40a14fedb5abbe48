import { type ConfigIssue, isFastMcpConfigError, resolveOptions } from '@app/fastmcp';
import { EnvReader } from './env-reader.js';
import { readHostEnv } from './host-env.js';
import { readRedisUrlEnv } from './redis-url-env.js';
import { readResilienceEnv, RESILIENCE_ENV } from './resilience-env.js';
import { RETRY_ENV, readRetryEnv } from './retry-env.js';
import type { SampleConfig } from './sample-config.interface.js';
import { SampleConfigError } from './sample-config.error.js';
import { BASE_URL_ENV, readServersEnv, SERVERS_ENV } from './servers-env.js';
import { readSpillFileEnv } from './spill-file-env.js';

/** Reads and checks every variable; throws SampleConfigError naming each bad one. */
export function parseSampleEnv(source: Record<string, string | undefined>): SampleConfig {
  const env = new EnvReader(source);
  const config: SampleConfig = {
    port: env.integer('PORT', 0, 65_535) ?? 3000,
    host: readHostEnv(env),
    servers: readServersEnv(env),
    redisUrl: readRedisUrlEnv(env),
    dlqStore: env.oneOf('FASTMCP_DLQ', ['auto', 'redis', 'memory'], 'auto'),
    dlqSpillFile: readSpillFileEnv(env),
    shutdownGraceMs: env.integer('FASTMCP_SHUTDOWN_GRACE_MS', 0, 600_000),
    retry: readRetryEnv(env),
    resilience: readResilienceEnv(env),
    adminApiKey: adminApiKey(env),
    metricsPublic: env.boolean('METRICS_PUBLIC', true),
    healthPublic: env.boolean('HEALTH_PUBLIC', true),
    healthTimeoutMs: env.integer('HEALTH_TIMEOUT_MS', 100, 60_000) ?? 2000,
    bodyLimit: bodyLimit(env),
    maxBodyDepth: env.integer('FASTMCP_MAX_BODY_DEPTH', 1, 1000) ?? 64,
    idempotencyTtlMs: env.integer('IDEMPOTENCY_TTL_MS', 60_000, 604_800_000) ?? 86_400_000,
    demoFlakyFailures: env.integer('DEMO_FLAKY_FAILURES', 0, 1000) ?? 6,
  };
  if (config.dlqStore === 'redis' && !config.redisUrl) {
    env.fail('FASTMCP_DLQ', 'is redis, so REDIS_URL must be set');
  }
  if (env.issues.length === 0) checkWithModule(env, config);
  if (env.issues.length > 0) throw new SampleConfigError(env.issues);
  return config;
}

/** Runs the module's own option checks and names the variable behind each bad field. */
function checkWithModule(env: EnvReader, config: SampleConfig): void {
  try {
    resolveOptions({
      servers: config.servers,
      retry: config.retry,
      resilience: config.resilience,
      dlq: false,
      metrics: false,
    });
  } catch (error) {
    if (!isFastMcpConfigError(error)) throw error;
    const fromBaseUrl = env.string(BASE_URL_ENV) !== undefined;
    for (const issue of error.issues) {
      const [section, key] = issue.field.split(/[.[]/);
      if (section === 'retry') {
        env.fail(...retryIssue(env, key, issue));
        continue;
      }
      const variable =
        section === 'resilience' ? RESILIENCE_ENV : fromBaseUrl ? BASE_URL_ENV : SERVERS_ENV;
      env.fail(variable, `${issue.field}: ${issue.message}`);
    }
  }
}

/**
 * A retry issue, named after a variable that was set: the module compares two options
 * (`retry.maxDelayMs: must be at least retry.initialDelayMs`), and the one it blames may be a
 * default while the user set the other.
 */
function retryIssue(
  env: EnvReader,
  key: string,
  issue: ConfigIssue,
): [variable: string, message: string] {
  const own = RETRY_ENV[key as keyof typeof RETRY_ENV];
  const text = `${issue.field}: ${issue.message}`;
  const otherKey = issue.comparedWith?.replace(/^retry\./, '') ?? '';
  if (!Object.hasOwn(RETRY_ENV, otherKey) || env.string(own) !== undefined) return [own, text];
  const other = RETRY_ENV[otherKey as keyof typeof RETRY_ENV];
  if (env.string(other) === undefined) return [own, text];
  return [other, `${text} (the default: ${own} is not set)`];
}

/** Visible ASCII only: a key with spaces or other characters cannot be sent as a Bearer token. */
function adminApiKey(env: EnvReader): string | undefined {
  const key = env.string('ADMIN_API_KEY');
  if (key === undefined || (key.length >= 16 && /^[\x21-\x7e]+$/.test(key))) return key;
  return env.fail(
    'ADMIN_API_KEY',
    'must be at least 16 characters, each a visible ASCII character (letters, digits, punctuation; no spaces)',
  );
}

/** A body is parsed in memory: past this, BODY_LIMIT would not bound what one request costs. */
const BODY_LIMIT_MAX_BYTES = 1024 ** 3;
const BODY_LIMIT_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2 };

function bodyLimit(env: EnvReader): string {
  const raw = env.string('BODY_LIMIT') ?? '100kb';
  const size = /^(\d+)(b|kb|mb)$/i.exec(raw);
  const bytes = size ? Number(size[1]) * BODY_LIMIT_UNITS[size[2].toLowerCase()] : NaN;
  if (bytes > 0 && bytes <= BODY_LIMIT_MAX_BYTES) return raw.toLowerCase();
  env.fail(
    'BODY_LIMIT',
    !size
      ? `expected a size such as 100kb or 1mb, got "${raw}"`
      : bytes > 0
        ? 'must be at most 1024mb (a body is read into memory whole)'
        : 'must be more than 0 (every request body would get 413)',
  );
  return '100kb';
}
