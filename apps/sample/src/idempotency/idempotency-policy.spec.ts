import { describe, expect, it } from 'vitest';
import { parseSampleEnv } from '../config/parse-sample-env.js';
import { IdempotencyPolicy } from './idempotency-policy.js';

describe('IdempotencyPolicy', () => {
  it('gives a running call the longest retry budget, the shutdown grace and a minute', () => {
    // The module's defaults: a 5 min budget, a 10 s grace.
    const defaults = new IdempotencyPolicy(parseSampleEnv({}));
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
    const policy = new IdempotencyPolicy(config);
    expect(policy.runningMs).toBe(1_200_000 + 60_000);
    expect(policy.ttlMs).toBe(3_600_000);
  });
});
