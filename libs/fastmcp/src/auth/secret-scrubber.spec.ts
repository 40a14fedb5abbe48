import { generateKeyPairSync } from 'node:crypto';
import { InvalidClientError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { describe, expect, it } from 'vitest';
import { MAX_SCRUB_LENGTH, SecretScrubber } from './secret-scrubber.js';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('SecretScrubber', () => {
  const scrubber = new SecretScrubber(['s3cr3t-value', pem, undefined, 'abc']);

  it('removes known secrets, PEM keys (also JSON-escaped), and credential shapes', () => {
    const text = [
      'secret s3cr3t-value here',
      `key ${pem}`,
      `escaped ${JSON.stringify(pem)}`,
      'Authorization: Bearer eyJhbGciOi.payload.sig',
      'Basic dXNlcjpwYXNz',
      'body client_secret=hunter2&client_assertion=eyJx.eyJy.zzz&grant_type=client_credentials',
      '{"access_token":"opaque-1","refresh_token": "opaque-2"}',
      'https://user:pa55@auth.example.com/token?code=xyz&state=1',
    ].join('\n');
    const out = scrubber.scrub(text);
    for (const secret of ['s3cr3t-value', 'MIG', 'hunter2', 'eyJ', 'opaque-1', 'opaque-2']) {
      expect(out).not.toContain(secret);
    }
    expect(out).not.toMatch(/pa55|dXNlcjpwYXNz|code=xyz/);
    expect(out).toContain('grant_type=client_credentials');
    expect(out).toContain('https://[REDACTED]@auth.example.com/token?code=[REDACTED]&state=1');
    // Too short to search for without mangling ordinary words.
    expect(scrubber.scrub('abc')).toBe('abc');
  });

  it('removes the values of query parameters named like a credential, in any URL', () => {
    const out = scrubber.scrub(
      'Cannot POST /mcp?tenant=acme&api_key=k-12345678&X-Amz-Signature=f00d&access-token=t1',
    );
    expect(out).toBe(
      'Cannot POST /mcp?tenant=acme&api_key=[REDACTED]&X-Amz-Signature=[REDACTED]&access-token=[REDACTED]',
    );
  });

  it('copies an error with its prototype and OAuth code, scrubbed down the cause chain', () => {
    const inner = new Error('upstream said client_secret=s3cr3t-value');
    const error = new InvalidClientError('bad secret s3cr3t-value', 'https://x/err');
    Object.defineProperty(error, 'cause', { value: inner, enumerable: false });
    Object.assign(error, { response: { headers: { authorization: 'Bearer raw' } } });
    const copy = scrubber.scrubError(error) as InvalidClientError & { response?: unknown };
    expect(copy).toBeInstanceOf(InvalidClientError);
    expect(copy.errorCode).toBe('invalid_client');
    expect(copy.message).toBe('bad secret [REDACTED]');
    expect(copy.stack).not.toContain('s3cr3t-value');
    expect((copy.cause as Error).message).toBe('upstream said client_secret=[REDACTED]');
    expect(copy.response).toBeUndefined();
    expect(error.message).toContain('s3cr3t-value');
  });

  it('copies a JSON value with every string scrubbed, keys too, to a bounded depth', () => {
    const value = { 's3cr3t-value': ['Bearer abc.def', { n: 1, ok: true, nil: null }] };
    expect(scrubber.scrubJson(value)).toEqual({
      '[REDACTED]': ['Bearer [REDACTED]', { n: 1, ok: true, nil: null }],
    });
    let deep: unknown = 's3cr3t-value';
    for (let i = 0; i < 20; i += 1) deep = [deep];
    expect(JSON.stringify(scrubber.scrubJson(deep))).not.toContain('s3cr3t-value');
    expect(JSON.stringify(scrubber.scrubJson(deep))).toContain('[...]');
  });

  it('removes a secret quoted back percent-encoded or JSON-escaped', () => {
    const slashy = new SecretScrubber(['k3y/API+SECRET== x']);
    for (const quoted of [
      'k3y%2FAPI%2BSECRET%3D%3D%20x',
      'k3y%2fAPI%2bSECRET%3d%3d%20x',
      'k3y%2FAPI%2BSECRET%3D%3D+x',
      '"k3y/API+SECRET== x"',
      '"k3y\\/API+SECRET== x"',
    ]) {
      expect(slashy.scrub(`bad key ${quoted}.`)).toBe(
        `bad key ${quoted.startsWith('"') ? '"[REDACTED]"' : '[REDACTED]'}.`,
      );
    }
  });

  it('removes a secret quoted back as Go, .NET or an HTML page escapes it', () => {
    const marked = new SecretScrubber(["p4ss&w0rd<xyz>1'2+3"]);
    for (const quoted of [
      // Go's encoding/json: < > & as \u00XX.
      "p4ss\\u0026w0rd\\u003cxyz\\u003e1'2+3",
      // .NET's System.Text.Json: also ' and +, upper-case hex.
      'p4ss\\u0026w0rd\\u003Cxyz\\u003E1\\u00272\\u002B3',
      'p4ss&amp;w0rd&lt;xyz&gt;1&#39;2+3',
      'p4ss&amp;w0rd&lt;xyz&gt;1&#x27;2+3',
    ]) {
      expect(marked.scrub(`refused ${quoted} here`)).toBe('refused [REDACTED] here');
    }
  });

  it('removes a number that spells a secret from a JSON value, keeping other numbers', () => {
    const pin = new SecretScrubber(['88372615']);
    expect(pin.scrubJson({ pin: 88372615, attempts: 3, nested: [88372615, 7.5] })).toEqual({
      pin: '[REDACTED]',
      attempts: 3,
      nested: ['[REDACTED]', 7.5],
    });
  });

  it('removes a secret quoted back form-encoded or as Python quote() writes it', () => {
    const tilde = new SecretScrubber(["tilde~Secret!Value(1)'*"]);
    for (const quoted of [
      // URLSearchParams (a form): ~ ! ' ( ) encoded too.
      'tilde%7ESecret%21Value%281%29%27*',
      'tilde%7eSecret%21Value%281%29%27*',
      // RFC 3986 strict: all but unreserved.
      'tilde~Secret%21Value%281%29%27%2A',
    ]) {
      expect(tilde.scrub(`secret ${quoted} not recognised`)).toBe(
        'secret [REDACTED] not recognised',
      );
    }
    const slashy = new SecretScrubber(['k3y/API+SECRET/abcdef==']);
    expect(slashy.scrub('/t/k3y/API%2BSECRET/abcdef%3D%3D')).toBe('/t/[REDACTED]');
  });

  it('removes a long secret wrapped across lines, and a short one only as a whole word', () => {
    const long = 'LONGKEY-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789';
    const short = new SecretScrubber([long, 'Zq9x7']);
    expect(short.scrub(`bad key ${long.slice(0, 22)}\n    ${long.slice(22)} end`)).toBe(
      'bad key [REDACTED] end',
    );
    expect(short.scrub(`{"k":"${long.slice(0, 10)}\\n${long.slice(10)}"}`)).toBe(
      '{"k":"[REDACTED]"}',
    );
    expect(short.scrub('bad pin Zq9x7, pin=Zq9x7')).toBe('bad pin [REDACTED], pin=[REDACTED]');
    expect(short.scrub('Zq9x7abc xZq9x7')).toBe('Zq9x7abc xZq9x7');
  });

  it('removes a known secret echoed in another case, wrapped too; a short one only as written', () => {
    const long = 'LONGKEY-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789';
    const mixed = new SecretScrubber(['Key-API-0123456789', long, 'Zq9x7']);
    expect(mixed.scrub('getaddrinfo ENOTFOUND key-api-0123456789.evil.example')).toBe(
      'getaddrinfo ENOTFOUND [REDACTED].evil.example',
    );
    expect(mixed.scrub('KEY-API-0123456789 and key-api-0123456789')).toBe(
      '[REDACTED] and [REDACTED]',
    );
    expect(mixed.scrub(`${long.slice(0, 20).toLowerCase()}\n${long.slice(20)}`)).toBe('[REDACTED]');
    expect(mixed.scrub('pin zq9x7')).toBe('pin zq9x7');
  });

  it('cuts a long text at the start of a secret in another case', () => {
    const text = `${'x'.repeat(MAX_SCRUB_LENGTH - 4)}S3CR3T-VALUE${'y'.repeat(5000)}`;
    expect(scrubber.scrub(text)).toBe(`${'x'.repeat(MAX_SCRUB_LENGTH - 4)}...`);
  });

  it('cuts a long text before scrubbing it, leaving no start of a secret at the cut', () => {
    const text = `${'x'.repeat(MAX_SCRUB_LENGTH - 4)}s3cr3t-value${'y'.repeat(1_000_000)}`;
    const out = scrubber.scrub(text);
    expect(out).toBe(`${'x'.repeat(MAX_SCRUB_LENGTH - 4)}...`);
  });

  it('cuts off the longest start of any secret, not the first one found', () => {
    const two = new SecretScrubber(['3C-other-secret-longer-one', 'A1B2C3-token-value-long']);
    const out = two.scrub(
      `${'x'.repeat(MAX_SCRUB_LENGTH - 6)}A1B2C3-token-value-long${'y'.repeat(5000)}`,
    );
    expect(out).toBe(`${'x'.repeat(MAX_SCRUB_LENGTH - 6)}...`);
  });
});
