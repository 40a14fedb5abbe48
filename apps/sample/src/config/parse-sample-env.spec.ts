import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSampleEnv } from './parse-sample-env.js';
import { SampleConfigError } from './sample-config.error.js';

const URL_ = 'http://127.0.0.1:9/mcp';

/** The start error's message for `env`; it must be a SampleConfigError. */
function startError(env: Record<string, string>): string {
  try {
    parseSampleEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SampleConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('REDIS_URL', () => {
  it.each([
    [
      'redis://:hunter2@127.0.0.1:99999',
      'is not a valid URL (a port 1..65535, special characters percent-encoded)',
    ],
    ['redis://:hunter2@127.0.0.1:0', 'must have a port 1..65535'],
    [
      'redis://:hunter2%zz@127.0.0.1:6379',
      'has a user name or password that is not valid percent-encoding',
    ],
    [
      'redis://:hunter2@127.0.0.1:6379/zero',
      'must have no path but a database number (/0, /1, ...)',
    ],
    ['redis://:hunter2@127.0.0.1:6379#frag', 'must not have a #fragment'],
    ['redis:///0', 'must name a host'],
    [
      'http://:hunter2@127.0.0.1',
      'expected redis://[[user]:password@]host[:port][/db] or rediss://...',
    ],
  ])('refuses %s naming REDIS_URL, never the password', (url, message) => {
    const error = startError({ REDIS_URL: url });
    expect(error).toBe(`Invalid configuration: REDIS_URL: ${message}`);
    expect(error).not.toContain('hunter2');
  });

  it.each([
    'redis://127.0.0.1:6379',
    'redis://:pa%40ss@127.0.0.1:6379/2',
    'rediss://user:pass@redis.example.com',
    'redis://[::1]:6380/0',
  ])('accepts %s', (url) => {
    expect(parseSampleEnv({ REDIS_URL: url }).redisUrl).toBe(url);
  });
});

describe('FASTMCP_SERVERS', () => {
  it('refuses a client id given twice (JSON keeps the last silently)', () => {
    expect(startError({ FASTMCP_SERVERS: `{"a":{"url":"${URL_}"},"a":{"url":"${URL_}"}}` })).toBe(
      'Invalid configuration: FASTMCP_SERVERS: key "a" is given twice',
    );
    expect(startError({ FASTMCP_SERVERS: `{"a":{"url":"${URL_}","url":"${URL_}"}}` })).toBe(
      'Invalid configuration: FASTMCP_SERVERS: key "a.url" is given twice',
    );
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a key %s', (key) => {
    expect(startError({ FASTMCP_SERVERS: `{"${key}":{"url":"${URL_}"}}` })).toBe(
      `Invalid configuration: FASTMCP_SERVERS: key "${key}" is not allowed`,
    );
    expect(
      startError({ FASTMCP_SERVERS: `{"a":{"url":"${URL_}","headers":{"${key}":"x"}}}` }),
    ).toBe(`Invalid configuration: FASTMCP_SERVERS: key "a.headers.${key}" is not allowed`);
  });

  it('refuses an unknown field of a server, with its path', () => {
    expect(startError({ FASTMCP_SERVERS: `{"a":{"url":"${URL_}","header":{}}}` })).toMatch(
      /^Invalid configuration: FASTMCP_SERVERS: servers\.a\.header: is not an option \(url, headers, /,
    );
  });

  it('refuses an unknown field of a server auth, with its path', () => {
    const auth = (extra: string, jwt = '') =>
      JSON.stringify({
        a: {
          url: URL_,
          auth: {
            type: 'client_credentials',
            clientId: 'c',
            ...(jwt ? { privateKeyJwt: { alg: 'HS256', keyEnv: 'K', [jwt]: 1 } } : {}),
            ...(jwt ? {} : { clientSecretEnv: 'S' }),
            ...(extra ? { [extra]: 'x' } : {}),
          },
        },
      });
    expect(startError({ FASTMCP_SERVERS: auth('scopes'), S: 'secret' })).toBe(
      'Invalid configuration: FASTMCP_SERVERS: server "a" auth.scopes: is not a field (type, clientId, clientSecretEnv, privateKeyJwt, scope, issuer)',
    );
    expect(startError({ FASTMCP_SERVERS: auth('', 'kid'), K: 'key' })).toBe(
      'Invalid configuration: FASTMCP_SERVERS: server "a" auth.privateKeyJwt.kid: is not a field (alg, keyEnv)',
    );
  });

  it('refuses a header value the module refuses, without repeating it', () => {
    const error = startError({
      FASTMCP_SERVERS: JSON.stringify({ a: { url: URL_, headers: { 'X-Key': 'hunter2\r\n' } } }),
    });
    expect(error).toMatch(/^Invalid configuration: FASTMCP_SERVERS: servers\.a\.headers\.X-Key: /);
    expect(error).not.toContain('hunter2');
  });

  it('reads servers, their auth and FASTMCP_RESILIENCE as before', () => {
    const config = parseSampleEnv({
      FASTMCP_SERVERS: JSON.stringify({
        a: { url: URL_, headers: { 'X-Key': 'v' } },
        b: {
          url: URL_,
          auth: {
            type: 'client_credentials',
            clientId: 'c',
            clientSecretEnv: 'S',
            scope: 'x',
            issuer: 'https://auth.example.com',
          },
        },
      }),
      S: 'secret',
    });
    expect(config.servers).toEqual({
      a: { url: URL_, headers: { 'X-Key': 'v' } },
      b: {
        url: URL_,
        auth: {
          type: 'client_credentials',
          clientId: 'c',
          clientSecret: 'secret',
          scope: 'x',
          issuer: 'https://auth.example.com',
        },
      },
    });
  });
});

describe('FASTMCP_RESILIENCE', () => {
  it('refuses a key given twice', () => {
    expect(
      startError({
        FASTMCP_RESILIENCE: '{"rateLimit":{"requestsPerSecond":5,"requestsPerSecond":9}}',
      }),
    ).toBe(
      'Invalid configuration: FASTMCP_RESILIENCE: key "rateLimit.requestsPerSecond" is given twice',
    );
  });
});

describe('ADMIN_API_KEY', () => {
  it.each([
    ['Cyrillic', 'ключключключключключ'],
    ['spaces', 'my admin key with spaces 123'],
    ['a control character', 'abcdefgh\u0001ijklmnopq'],
    ['too short', 'abc'],
  ])('refuses a key with %s naming ADMIN_API_KEY, never the key', (_, key) => {
    const error = startError({ ADMIN_API_KEY: key });
    expect(error).toBe(
      'Invalid configuration: ADMIN_API_KEY: must be at least 16 characters, each a visible ASCII character (letters, digits, punctuation; no spaces)',
    );
    expect(error).not.toContain(key);
  });

  it('accepts visible ASCII (letters, digits, punctuation)', () => {
    const key = 'Az09!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    expect(parseSampleEnv({ ADMIN_API_KEY: key }).adminApiKey).toBe(key);
  });
});

describe('HOST', () => {
  it.each(['not a host!!', 'http://0.0.0.0', '[::1]', 'host_name', '-a.example', '999.1.1.1'])(
    'refuses %j naming HOST',
    (host) => {
      expect(startError({ HOST: host })).toBe(
        `Invalid configuration: HOST: expected an IP address or a host name (such as 0.0.0.0, :: or localhost), got ${JSON.stringify(host)}`,
      );
    },
  );

  it.each(['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost', 'api-1.internal.example.com'])(
    'accepts %s',
    (host) => {
      expect(parseSampleEnv({ HOST: host }).host).toBe(host);
    },
  );

  it('defaults to 127.0.0.1', () => {
    expect(parseSampleEnv({}).host).toBe('127.0.0.1');
  });
});

describe('FASTMCP_RETRY_*', () => {
  it('names the delay that was set when the other one is a default', () => {
    expect(startError({ FASTMCP_RETRY_INITIAL_DELAY_MS: '60000' })).toBe(
      'Invalid configuration: FASTMCP_RETRY_INITIAL_DELAY_MS: retry.maxDelayMs: must be at least retry.initialDelayMs (60000), got 30000 (the default: FASTMCP_RETRY_MAX_DELAY_MS is not set)',
    );
  });

  it('refuses a number that is not decimal (0x10 read as 16 ms), naming the variable', () => {
    for (const raw of ['0x10', '0b11', '0o7', '1_000']) {
      expect(startError({ FASTMCP_RETRY_INITIAL_DELAY_MS: raw })).toBe(
        `Invalid configuration: FASTMCP_RETRY_INITIAL_DELAY_MS: expected a decimal number, got "${raw}"`,
      );
    }
    expect(() => parseSampleEnv({ FASTMCP_RETRY_MULTIPLIER: '1.5e0' })).not.toThrow();
  });

  it('gives the documented range of FASTMCP_RETRY_MAX_RETRIES (0..100)', () => {
    expect(startError({ FASTMCP_RETRY_MAX_RETRIES: '-1' })).toBe(
      'Invalid configuration: FASTMCP_RETRY_MAX_RETRIES: expected an integer 0..100, got "-1"',
    );
  });

  it('names the maximum when both delays were set', () => {
    expect(
      startError({ FASTMCP_RETRY_INITIAL_DELAY_MS: '100', FASTMCP_RETRY_MAX_DELAY_MS: '50' }),
    ).toBe(
      'Invalid configuration: FASTMCP_RETRY_MAX_DELAY_MS: retry.maxDelayMs: must be at least retry.initialDelayMs (100), got 50',
    );
  });
});

describe('FASTMCP_DLQ_SPILL_FILE', () => {
  it('refuses a directory, or a file in a directory that does not exist, naming the variable', () => {
    expect(startError({ FASTMCP_DLQ_SPILL_FILE: tmpdir() })).toBe(
      'Invalid configuration: FASTMCP_DLQ_SPILL_FILE: names something that is not a file (a directory?)',
    );
    expect(startError({ FASTMCP_DLQ_SPILL_FILE: '/nonexistent-fastmcp/spill.jsonl' })).toBe(
      'Invalid configuration: FASTMCP_DLQ_SPILL_FILE: is in a directory that does not exist',
    );
    const path = join(tmpdir(), 'fastmcp-spill-env.jsonl');
    expect(parseSampleEnv({ FASTMCP_DLQ_SPILL_FILE: path }).dlqSpillFile).toBe(path);
  });
});

describe('BODY_LIMIT', () => {
  it.each(['0b', '0kb', '000mb'])('refuses %s naming BODY_LIMIT', (limit) => {
    expect(startError({ BODY_LIMIT: limit })).toBe(
      'Invalid configuration: BODY_LIMIT: must be more than 0 (every request body would get 413)',
    );
  });

  it.each(['1025mb', '1048577kb', '99999999999999999999mb'])(
    'refuses %s naming BODY_LIMIT',
    (limit) => {
      expect(startError({ BODY_LIMIT: limit })).toBe(
        'Invalid configuration: BODY_LIMIT: must be at most 1024mb (a body is read into memory whole)',
      );
    },
  );

  it.each(['1b', '100kb', '2MB', '1024mb'])('accepts %s', (limit) => {
    expect(parseSampleEnv({ BODY_LIMIT: limit }).bodyLimit).toBe(limit.toLowerCase());
  });
});

describe('IDEMPOTENCY_TTL_MS', () => {
  it('defaults to 24 h, and refuses a value out of 60000..604800000, naming the variable', () => {
    expect(parseSampleEnv({}).idempotencyTtlMs).toBe(86_400_000);
    expect(parseSampleEnv({ IDEMPOTENCY_TTL_MS: '60000' }).idempotencyTtlMs).toBe(60_000);
    expect(startError({ IDEMPOTENCY_TTL_MS: '59999' })).toBe(
      'Invalid configuration: IDEMPOTENCY_TTL_MS: expected an integer 60000..604800000, got "59999"',
    );
  });
});
