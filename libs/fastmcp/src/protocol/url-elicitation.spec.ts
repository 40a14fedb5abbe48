import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { UpstreamText } from '../transport/upstream-text.js';
import { clientCapabilities } from './client-capabilities.js';
import { readElicitation } from './elicitation-request.js';
import { HandlerResults, InvalidHandlerResult } from './handler-results.js';
import {
  checkElicitationUrl,
  elicitationIdProblem,
  MAX_ELICITATION_URL_BYTES,
  MAX_REQUIRED_ELICITATIONS,
  requiredElicitationsOf,
} from './url-elicitation.js';

const SECRET = 'configured-api-key-0123456';
const upstream = new UpstreamText({
  url: 'http://127.0.0.1:1/mcp',
  headers: { 'X-Api-Key': SECRET },
});
const handler = () => ({ action: 'decline' as const });

describe('checkElicitationUrl', () => {
  it.each([
    ['https://auth.example.com/connect?state=1', 'https://auth.example.com/connect?state=1'],
    ['HTTPS://Auth.Example.COM', 'https://auth.example.com/'],
    ['http://127.0.0.1:8080/cb', 'http://127.0.0.1:8080/cb'],
    ['http://[::1]/cb', 'http://[::1]/cb'],
    ['http://localhost:3000/cb', 'http://localhost:3000/cb'],
    ['https://example.com/caf\u00e9', 'https://example.com/caf%C3%A9'],
  ])('takes %s, handed on as parsed', (url, href) => {
    expect(checkElicitationUrl(url)).toEqual({ href });
  });

  it.each([
    ['javascript:alert(1)', 'its url is not https:'],
    ['data:text/html,<b>hi</b>', 'its url is not https:'],
    ['file:///etc/passwd', 'its url is not https:'],
    ['ftp://example.com/x', 'its url is not https:'],
    [
      'http://example.com/x',
      'its url is http: on a host that is not loopback (only https: is allowed)',
    ],
    [
      'http://127.0.0.2/x',
      'its url is http: on a host that is not loopback (only https: is allowed)',
    ],
    [
      'http://localhost.evil.example/x',
      'its url is http: on a host that is not loopback (only https: is allowed)',
    ],
    ['/relative/path', 'its url is not an absolute URL'],
    ['https://good.example@evil.example/', 'its url carries a user name or password'],
    ['https://goo\ngle.com/', 'its url holds spaces or control characters'],
    ['https://example.com/a b', 'its url holds spaces or control characters'],
    [42, 'its url is not a string'],
  ])('refuses %s', (url, problem) => {
    expect(checkElicitationUrl(url)).toEqual({ problem });
  });

  it('takes 8 KiB and refuses a byte more, as sent or as parsed', () => {
    const base = 'https://example.com/?q=';
    const fits = base + 'a'.repeat(MAX_ELICITATION_URL_BYTES - base.length);
    expect(checkElicitationUrl(fits)).toEqual({ href: fits });
    expect(checkElicitationUrl(`${fits}a`)).toEqual({ problem: 'its url is over 8192 bytes' });
    // Each é is 2 bytes sent and 6 once percent-encoded.
    const encoded = base + '\u00e9'.repeat(2000);
    expect(checkElicitationUrl(encoded)).toEqual({
      problem: 'its url is over 8192 bytes once parsed',
    });
  });
});

describe('elicitationIdProblem', () => {
  it('takes a non-empty string of up to 256 characters without control characters', () => {
    expect(elicitationIdProblem('550e8400-e29b-41d4-a716-446655440000')).toBeUndefined();
    expect(elicitationIdProblem('e'.repeat(256))).toBeUndefined();
    expect(elicitationIdProblem('')).toBe('its elicitationId is not a non-empty string');
    expect(elicitationIdProblem(7)).toBe('its elicitationId is not a non-empty string');
    expect(elicitationIdProblem('e'.repeat(257))).toBe('its elicitationId is over 256 characters');
    expect(elicitationIdProblem('e\u0000')).toBe('its elicitationId holds control characters');
  });
});

describe('readElicitation', () => {
  const request = (params: Record<string, unknown>): JSONRPCRequest => ({
    jsonrpc: '2.0',
    id: 1,
    method: 'elicitation/create',
    params,
  });
  const URL_PARAMS = {
    mode: 'url',
    message: 'Connect your account',
    url: 'https://Auth.Example.com/connect',
    elicitationId: 'e-1',
  };
  const both = new Set(['form', 'url']);

  it('refuses a url elicitation when only form is declared, whatever its params', () => {
    expect(readElicitation(request(URL_PARAMS), new Set(['form']), false)).toEqual({
      kind: 'undeclared',
      mode: 'url',
    });
    expect(readElicitation(request({ mode: 'url' }), new Set(['form']), true)).toEqual({
      kind: 'undeclared',
      mode: 'url',
    });
  });

  it('hands on a 2025 url elicitation with its url as parsed', () => {
    expect(readElicitation(request(URL_PARAMS), both, false)).toEqual({
      kind: 'ok',
      params: { ...URL_PARAMS, url: 'https://auth.example.com/connect' },
    });
  });

  it('refuses a 2025 url elicitation without a usable id or url', () => {
    const noId = { ...URL_PARAMS, elicitationId: undefined };
    expect(readElicitation(request(noId), both, false)).toEqual({ kind: 'invalid' });
    const emptyId = { ...URL_PARAMS, elicitationId: '' };
    expect(readElicitation(request(emptyId), both, false)).toEqual({
      kind: 'invalid',
      problem: 'its elicitationId is not a non-empty string',
    });
    const script = { ...URL_PARAMS, url: 'javascript:alert(1)' };
    expect(readElicitation(request(script), both, false)).toEqual({
      kind: 'invalid',
      problem: 'its url is not https:',
    });
  });

  it('reads a 2026-07-28 url elicitation by its own shape: no elicitationId', () => {
    const modern = { mode: 'url', message: 'Connect', url: 'https://a.example/x', extra: 1 };
    expect(readElicitation(request(modern), both, true)).toEqual({
      kind: 'ok',
      params: { mode: 'url', message: 'Connect', url: 'https://a.example/x' },
    });
    const withId = { ...modern, elicitationId: 'not-in-this-revision' };
    expect(readElicitation(request(withId), both, true)).toMatchObject({
      params: { mode: 'url', message: 'Connect', url: 'https://a.example/x' },
    });
    expect(readElicitation(request({ ...modern, url: 'http://a.example/' }), both, true)).toEqual({
      kind: 'invalid',
      problem: 'its url is http: on a host that is not loopback (only https: is allowed)',
    });
    expect(readElicitation(request({ ...modern, message: 3 }), both, true)).toEqual({
      kind: 'invalid',
      problem: 'its message is not a string',
    });
  });

  it('refuses a mode that is not a string', () => {
    expect(readElicitation(request({ mode: 5, message: 'x' }), both, false)).toEqual({
      kind: 'invalid',
      problem: 'its mode is not a string',
    });
  });
});

describe('a url elicitation answer', () => {
  const results = new HandlerResults();
  const params = {
    mode: 'url' as const,
    message: 'Connect',
    url: 'https://a.example/',
    elicitationId: 'e-1',
  };

  it('is its action alone', () => {
    expect(results.elicitation(params, { action: 'accept' })).toEqual({ action: 'accept' });
    expect(results.elicitation(params, { action: 'decline', content: null })).toMatchObject({
      action: 'decline',
    });
  });

  it('is refused with content, accepted or not', () => {
    for (const action of ['accept', 'decline', 'cancel'] as const) {
      expect(() => results.elicitation(params, { action, content: { a: 'b' } })).toThrow(
        new InvalidHandlerResult('a url-mode answer has no content, only its action'),
      );
    }
  });
});

describe('the elicitation capability', () => {
  it('declares the modes of handlers.elicitationModes, form only by default', () => {
    expect(clientCapabilities({ elicitation: handler })).toEqual({
      elicitation: { form: { applyDefaults: true } },
    });
    expect(clientCapabilities({ elicitation: handler, elicitationModes: ['form', 'url'] })).toEqual(
      { elicitation: { form: { applyDefaults: true }, url: {} } },
    );
    expect(clientCapabilities({ elicitation: handler, elicitationModes: ['url'] })).toEqual({
      elicitation: { url: {} },
    });
  });
});

describe('requiredElicitationsOf (the data of a -32042 error)', () => {
  const entry = (over: Record<string, unknown> = {}) => ({
    mode: 'url',
    elicitationId: 'e-1',
    url: 'https://auth.example.com/connect?e=1',
    message: 'Authorise access to your files',
    ...over,
  });

  it('keeps the valid url-mode entries, their url as parsed', () => {
    const data = {
      elicitations: [
        entry({ url: 'https://Auth.Example.com/connect?e=1' }),
        entry({ elicitationId: 'e-2', url: 'javascript:alert(1)' }),
        entry({ elicitationId: 'e-3', mode: 'form' }),
        entry({ elicitationId: '' }),
        entry({ elicitationId: 'e-5', message: undefined }),
        'not an entry',
        entry({ elicitationId: 'e-7', url: 'http://127.0.0.1:9/cb' }),
      ],
    };
    const message = 'Authorise access to your files';
    expect(requiredElicitationsOf(data, upstream)).toEqual([
      { elicitationId: 'e-1', url: 'https://auth.example.com/connect?e=1', message },
      { elicitationId: 'e-7', url: 'http://127.0.0.1:9/cb', message },
    ]);
  });

  it('drops an entry whose url or id holds a configured secret, and scrubs messages', () => {
    const data = {
      elicitations: [
        entry({ url: `https://auth.example.com/connect?k=${SECRET}` }),
        entry({ elicitationId: SECRET }),
        entry({ elicitationId: 'e-3', message: `Sent with ${SECRET}: ${'m'.repeat(2000)}` }),
      ],
    };
    const kept = requiredElicitationsOf(data, upstream);
    expect(kept.map((e) => e.elicitationId)).toEqual(['e-3']);
    expect(kept[0].message).not.toContain(SECRET);
    expect(kept[0].message).toMatch(/^Sent with \[REDACTED\]: m+/);
    expect(kept[0].message.length).toBeLessThanOrEqual(1003);
  });

  it(`reads at most ${MAX_REQUIRED_ELICITATIONS} entries, and nothing from other data`, () => {
    const many = Array.from({ length: 40 }, (_, i) => entry({ elicitationId: `e-${i}` }));
    expect(requiredElicitationsOf({ elicitations: many }, upstream)).toHaveLength(
      MAX_REQUIRED_ELICITATIONS,
    );
    expect(requiredElicitationsOf(undefined, upstream)).toEqual([]);
    expect(requiredElicitationsOf({ elicitations: 'x' }, upstream)).toEqual([]);
  });
});
