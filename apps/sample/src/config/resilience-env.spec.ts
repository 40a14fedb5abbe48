import { describe, expect, it } from 'vitest';
import { parseSampleEnv } from './parse-sample-env.js';

const SERVER_URL = 'http://127.0.0.1:9/mcp';
const serverWith = (resilience: unknown): string =>
  JSON.stringify({ a: { url: SERVER_URL, resilience } });

/** The start error's message for `env`. */
function startError(env: Record<string, string>): string {
  try {
    parseSampleEnv(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('FASTMCP_RESILIENCE and a server resilience in FASTMCP_SERVERS', () => {
  it('reads the module level and keeps a server own', () => {
    const config = parseSampleEnv({
      FASTMCP_RESILIENCE: '{"circuitBreaker":{"openMs":300},"retryBudget":false}',
      FASTMCP_SERVERS: serverWith({ rateLimit: { requestsPerSecond: 5 } }),
    });
    expect(config.resilience).toEqual({ circuitBreaker: { openMs: 300 }, retryBudget: false });
    expect(config.servers.a.resilience).toEqual({ rateLimit: { requestsPerSecond: 5 } });
  });

  it('is optional: unset, the module keeps its defaults', () => {
    expect(parseSampleEnv({}).resilience).toBeUndefined();
  });

  it.each([
    [{ FASTMCP_RESILIENCE: '{nope' }, 'FASTMCP_RESILIENCE: not valid JSON'],
    [
      { FASTMCP_RESILIENCE: '[1]' },
      'FASTMCP_RESILIENCE: resilience: expected a JSON object of policies (circuitBreaker, retryBudget, rateLimit)',
    ],
    [
      { FASTMCP_RESILIENCE: '{"breaker":{}}' },
      'FASTMCP_RESILIENCE: resilience.breaker: unknown policy (expected one of circuitBreaker, retryBudget, rateLimit)',
    ],
    [
      { FASTMCP_RESILIENCE: '{"circuitBreaker":{"openMS":300}}' },
      'FASTMCP_RESILIENCE: resilience.circuitBreaker.openMS: unknown field (expected one of mode,',
    ],
    [
      { FASTMCP_RESILIENCE: '{"circuitBreaker":{"openMs":0}}' },
      'FASTMCP_RESILIENCE: resilience.circuitBreaker.openMs:',
    ],
    [
      { FASTMCP_RESILIENCE: '{"rateLimit":{"maxQueue":-1}}' },
      'FASTMCP_RESILIENCE: resilience.rateLimit.maxQueue:',
    ],
    [
      { FASTMCP_RESILIENCE: '{"retryBudget":{"ratio":"lots"}}' },
      'FASTMCP_RESILIENCE: resilience.retryBudget.ratio:',
    ],
    [
      { FASTMCP_SERVERS: serverWith({ circuitBreaker: { mode: 'sometimes' } }) },
      'FASTMCP_SERVERS: servers.a.resilience.circuitBreaker.mode:',
    ],
    [
      { FASTMCP_SERVERS: serverWith({ rateLimit: { rps: 5 } }) },
      'FASTMCP_SERVERS: server "a" resilience.rateLimit.rps: unknown field',
    ],
    [
      { FASTMCP_SERVERS: serverWith('on') },
      'FASTMCP_SERVERS: server "a" resilience: expected a JSON object of policies',
    ],
  ])('refuses %j naming the variable and the field', (env, message) => {
    expect(startError(env)).toContain(message);
  });

  it('names every bad field at once', () => {
    const message = startError({
      FASTMCP_RESILIENCE: '{"circuitBreaker":{"openMs":0,"halfOpenProbes":0}}',
      FASTMCP_SERVERS: serverWith({ rateLimit: { maxConcurrent: 0 } }),
    });
    expect(message).toContain('FASTMCP_RESILIENCE: resilience.circuitBreaker.openMs');
    expect(message).toContain('FASTMCP_RESILIENCE: resilience.circuitBreaker.halfOpenProbes');
    expect(message).toContain('FASTMCP_SERVERS: servers.a.resilience.rateLimit.maxConcurrent');
  });
});
