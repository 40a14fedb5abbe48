import { describe, expect, it } from 'vitest';
import {
  configuredSecrets,
  headerValueSecrets,
  urlSecrets,
  withoutCredentialSegments,
} from './configured-secrets.js';

describe('configured secrets', () => {
  it('a header value, and its credential after a scheme', () => {
    expect(headerValueSecrets(' Bearer tok-123456 ')).toEqual(['Bearer tok-123456', 'tok-123456']);
    expect(headerValueSecrets('SECRET789')).toEqual(['SECRET789']);
    expect(headerValueSecrets('')).toEqual([]);
  });

  it('a Basic credential also decoded: the user:password pair and the password', () => {
    const basic = `Basic ${Buffer.from('svc-basic:Pa55-basic-SECRET').toString('base64')}`;
    expect(headerValueSecrets(basic)).toEqual([
      basic,
      basic.slice(6),
      'svc-basic:Pa55-basic-SECRET',
      'Pa55-basic-SECRET',
    ]);
    expect(headerValueSecrets('Basic bm8tY29sb24')).toEqual(['Basic bm8tY29sb24', 'bm8tY29sb24']);
  });

  it('each value of a name=value list, so one cookie echoed alone is known', () => {
    expect(headerValueSecrets('sid=COOKIE-sid-42; theme=dark')).toEqual([
      'sid=COOKIE-sid-42; theme=dark',
      'COOKIE-sid-42',
      'dark',
    ]);
    expect(headerValueSecrets('a="quoted-value-1", b=plain-value-2')).toEqual(
      expect.arrayContaining(['quoted-value-1', 'plain-value-2']),
    );
  });

  it('the values of query parameters named like a credential, as written and decoded', () => {
    const secrets = urlSecrets(
      'http://127.0.0.1/mcp?tenant=acme&api_key=k%2By-12345&X-Amz-Signature=abcdef99',
    );
    expect(secrets).toEqual(expect.arrayContaining(['k%2By-12345', 'k+y-12345', 'abcdef99']));
    expect(secrets).not.toContain('acme');
    expect(urlSecrets('http://127.0.0.1/mcp?page=2')).toEqual([]);
  });

  it('the values of query parameters shaped like a credential, whatever their name', () => {
    const secrets = urlSecrets(
      'http://127.0.0.1/mcp?t=Zq81nXcV0pLr7sYt4Wd&jwt=short-one&v=2025-11-25&region=eu-west-1&tag=releasecandidate',
    );
    expect(secrets).toEqual(expect.arrayContaining(['Zq81nXcV0pLr7sYt4Wd', 'short-one']));
    for (const ordinary of ['2025-11-25', 'eu-west-1', 'releasecandidate']) {
      expect(secrets).not.toContain(ordinary);
    }
  });

  it('path segments shaped like a credential (a gateway key), as written and decoded', () => {
    const url = 'http://127.0.0.1/api/mcp/s/sk-ak%2BZq81nXcV0pLr7sYt4Wd/mcp/v2/2025-11-25/';
    expect(urlSecrets(url)).toEqual(['sk-ak%2BZq81nXcV0pLr7sYt4Wd', 'sk-ak+Zq81nXcV0pLr7sYt4Wd']);
    expect(withoutCredentialSegments(new URL(url).pathname)).toBe(
      '/api/mcp/s/[redacted]/mcp/v2/2025-11-25/',
    );
    expect(withoutCredentialSegments('/mcp')).toBe('/mcp');
  });

  it('URL credentials as written, decoded, paired and Basic-encoded', () => {
    const secrets = urlSecrets('http://svc%40corp:p%3Ass@127.0.0.1/mcp');
    expect(secrets).toEqual(
      expect.arrayContaining([
        'p%3Ass',
        'p:ss',
        'svc@corp:p:ss',
        Buffer.from('svc@corp:p:ss').toString('base64'),
      ]),
    );
    expect(urlSecrets('http://127.0.0.1/mcp')).toEqual([]);
    expect(urlSecrets('not a url')).toEqual([]);
  });

  it("every server's header values and URL credentials, and the base URL's", () => {
    const secrets = configuredSecrets({
      baseUrl: 'http://base:b4se-pass@127.0.0.1/mcp',
      servers: {
        a: { url: 'http://127.0.0.1/mcp', headers: { 'X-Custom': 'SECRET789' } },
        b: { url: 'http://u:pa55-word@127.0.0.1/mcp' },
      },
    });
    expect(secrets).toEqual(expect.arrayContaining(['SECRET789', 'pa55-word', 'b4se-pass']));
  });
});
