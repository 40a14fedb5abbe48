import { describe, expect, it } from 'vitest';
import { resolveOptions } from '@app/fastmcp';
import { parseSampleEnv } from '../config/parse-sample-env.js';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { IdempotencyPolicy } from './idempotency-policy.js';

/** The policy of a config, over the options the module resolves from it. */
function policyOf(config: SampleConfig): IdempotencyPolicy {
  const { servers, retry, shutdownGraceMs } = config;
  const options = resolveOptions({ servers, retry, shutdownGraceMs, dlq: false, metrics: false });
  return new IdempotencyPolicy(config.idempotencyTtlMs, options);
}

describe('IdempotencyPolicy', () => {
  it('gives a running call the longest retry budget, the shutdown grace and a minute', () => {
    // The module's defaults: a 5 min budget, a 10 s grace.
    const defaults = policyOf(parseSampleEnv({}));
    expect(defaults.runningMs).toBe(300_000 + 10_000 + 60_000);
    expect(defaults.ttlMs).toBe(86_400_000);

    const servers = JSON.stringify({
      quick: { url: 'http://127.0.0.1:9/mcp' },
      patient: { url: 'http://127.0.0.1:9/mcp', retry: { totalTimeoutMs: 900_000 } },
      slowTools: {
        url: 'http://127.0.0.1:9/mcp',
        retry: { operations: { call_tool: { totalTimeoutMs: 1_200_000 } } },
      },
    });
    const config = parseSampleEnv({
      FASTMCP_SERVERS: servers,
      FASTMCP_RETRY_TOTAL_TIMEOUT_MS: '20000',
      FASTMCP_SHUTDOWN_GRACE_MS: '0',
      IDEMPOTENCY_TTL_MS: '3600000',
    });
    const policy = policyOf(config);
    expect(policy.runningMs).toBe(1_200_000 + 60_000);
    expect(policy.ttlMs).toBe(3_600_000);
  });
});
