import { generateKeyPairSync } from 'node:crypto';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { describe, expect, it } from 'vitest';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type { McpServerAuthOptions } from './auth-options.interface.js';
import { resolveOptions } from './resolve-options.js';

const URL_ = 'http://127.0.0.1:9/mcp';
const ISSUER = 'https://auth.example.com';
const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

/** The issues of `servers.github.auth = auth`, as `field: message` lines. */
function issuesFor(auth: unknown): string[] {
  try {
    resolveOptions({ servers: { github: { url: URL_, auth: auth as McpServerAuthOptions } } });
  } catch (error) {
    expect(error).toBeInstanceOf(FastMcpConfigError);
    return (error as FastMcpConfigError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

function plainProvider(): OAuthClientProvider & { saved: unknown[] } {
  const saved: unknown[] = [];
  return {
    saved,
    redirectUrl: undefined,
    clientMetadata: { redirect_uris: [], grant_types: ['client_credentials'] },
    clientInformation: () => ({ client_id: 'c' }),
    tokens: () => undefined,
    saveTokens(tokens) {
      saved.push(tokens);
    },
    redirectToAuthorization: () => undefined,
    saveCodeVerifier: () => undefined,
    codeVerifier: () => '',
  };
}

describe('servers.*.auth options', () => {
  it('accepts client credentials with a secret, with a PEM key, and SDK providers', () => {
    expect(
      issuesFor({ type: 'client_credentials', clientId: 'a', clientSecret: 's', issuer: ISSUER }),
    ).toEqual([]);
    expect(
      issuesFor({
        type: 'client_credentials',
        clientId: 'a',
        privateKeyJwt: { key: rsaKey, alg: 'PS256' },
        scope: 'mcp:read',
        issuer: 'https://auth.example.com',
      }),
    ).toEqual([]);
    expect(
      issuesFor({
        type: 'client_credentials',
        clientId: 'a',
        privateKeyJwt: { key: ecKey, alg: 'ES256' },
        issuer: 'http://127.0.0.1:8080',
      }),
    ).toEqual([]);
    const sdk = new ClientCredentialsProvider({
      clientId: 'a',
      clientSecret: 's',
      expectedIssuer: 'https://auth.example.com',
    });
    expect(issuesFor(sdk)).toEqual([]);
    expect(issuesFor(plainProvider())).toEqual([]);
  });

  it('names every bad client-credentials field', () => {
    expect(
      issuesFor({ type: 'client_credentials', clientId: ' ', scope: '', issuer: 'ftp://x' }),
    ).toEqual([
      'servers.github.auth.clientId: must be a non-empty string',
      'servers.github.auth: give exactly one of clientSecret or privateKeyJwt',
      'servers.github.auth.scope: must be a non-empty string',
      'servers.github.auth.issuer: must use http or https',
    ]);
    expect(
      issuesFor({ type: 'password', clientId: 'a', clientSecret: 's', issuer: ISSUER }),
    ).toEqual(['servers.github.auth.type: must be one of "client_credentials"']);
    expect(
      issuesFor({
        type: 'client_credentials',
        clientId: 'a',
        clientSecret: 's',
        privateKeyJwt: { key: rsaKey, alg: 'RS256' },
        issuer: ISSUER,
      }),
    ).toEqual(['servers.github.auth: give exactly one of clientSecret or privateKeyJwt']);
  });

  it('binds client credentials to an issuer: required, https except on a loopback host', () => {
    const withIssuer = (issuer?: string) =>
      issuesFor({ type: 'client_credentials', clientId: 'a', clientSecret: 's', issuer });
    expect(withIssuer(undefined)).toEqual([
      'servers.github.auth.issuer: is required: the issuer URL of the authorization server the credentials belong to (they are sent nowhere else)',
    ]);
    const httpOnly =
      'servers.github.auth.issuer: must use https (http only on a loopback host: 127.0.0.1, ::1, localhost)';
    expect(withIssuer('http://auth.example.com')).toEqual([httpOnly]);
    expect(withIssuer('http://10.0.0.8:8080/realms/x')).toEqual([httpOnly]);
    // A name that only starts like a loopback host is not one.
    expect(withIssuer('http://127.0.0.1.evil.example')).toEqual([httpOnly]);
    expect(withIssuer('http://localhost.evil.example')).toEqual([httpOnly]);
    expect(withIssuer('')).toEqual(['servers.github.auth.issuer: must be an absolute URL']);
    for (const issuer of [
      'https://auth.example.com/realms/x',
      'http://127.0.0.1:4444',
      'http://[::1]:4444/',
      'http://localhost:4444',
      'http://LOCALHOST',
    ]) {
      expect(withIssuer(issuer)).toEqual([]);
    }
  });

  it('refuses an issuer with credentials or a query: it never matches the metadata, and is logged', () => {
    const withIssuer = (issuer: string) =>
      issuesFor({ type: 'client_credentials', clientId: 'a', clientSecret: 's', issuer });
    const issues = [
      ...withIssuer('https://user:hunter2@auth.example.com'),
      ...withIssuer('https://auth.example.com/realms/x?tenant=1'),
    ];
    expect(issues).toEqual([
      'servers.github.auth.issuer: must not hold credentials',
      'servers.github.auth.issuer: must not have a ?query (RFC 8414)',
    ]);
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it('refuses a client id, secret or scope with a newline, a control or a non-ASCII character', () => {
    const credentials = (fields: Record<string, string>) =>
      issuesFor({
        type: 'client_credentials',
        clientId: 'a',
        clientSecret: 's',
        issuer: ISSUER,
        ...fields,
      });
    const visible =
      'must be visible ASCII and spaces (RFC 6749; no newline, other control or non-ASCII character)';
    // A secret read from a file keeps its newline; the server would answer invalid_client.
    expect(credentials({ clientSecret: 'hunter2\n' })).toEqual([
      `servers.github.auth.clientSecret: ${visible}`,
    ]);
    expect(credentials({ clientId: 'c\r\nX-Injected: 1', scope: 'mcp:read\tmcp:write' })).toEqual([
      `servers.github.auth.clientId: ${visible}`,
      `servers.github.auth.scope: ${visible}`,
    ]);
    expect(credentials({ clientSecret: 'pässwörd' })).toEqual([
      `servers.github.auth.clientSecret: ${visible}`,
    ]);
    expect(credentials({ clientSecret: 'a b~!', scope: 'mcp:read mcp:write' })).toEqual([]);
  });

  it('checks the JOSE algorithm and that the key can sign with it, never quoting the key', () => {
    const jwt = (key: string, alg: string) =>
      issuesFor({
        type: 'client_credentials',
        clientId: 'a',
        privateKeyJwt: { key, alg },
        issuer: ISSUER,
      });
    expect(jwt(rsaKey, 'EdDSA')).toEqual([
      expect.stringMatching(/^servers\.github\.auth\.privateKeyJwt\.alg: must be one of "RS256",/),
    ]);
    expect(jwt(rsaKey, 'ES256')).toEqual([
      'servers.github.auth.privateKeyJwt.key: ES256 needs an EC prime256v1 key',
    ]);
    expect(jwt(ecKey, 'ES384')).toEqual([
      'servers.github.auth.privateKeyJwt.key: ES384 needs an EC secp384r1 key',
    ]);
    expect(jwt(ecKey, 'RS256')).toEqual([
      'servers.github.auth.privateKeyJwt.key: RS256 needs an RSA key, got ec',
    ]);
    const broken = rsaKey.replace(/[A-Za-z]{20}/, 'x');
    const issues = [...jwt('not a pem', 'RS256'), ...jwt(broken, 'RS256')];
    expect(issues).toEqual([
      'servers.github.auth.privateKeyJwt.key: must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)',
      'servers.github.auth.privateKeyJwt.key: is not a readable PKCS#8 PEM private key',
    ]);
    expect(issues.join('\n')).not.toContain('MII');
    expect(jwt('a-shared-hmac-secret-of-32-bytes', 'HS256')).toEqual([]);
    expect(jwt('shared-hmac-secret', 'HS256')).toEqual([
      'servers.github.auth.privateKeyJwt.key: HS256 needs a key of at least 32 bytes (RFC 7518)',
    ]);
    expect(jwt('a-shared-hmac-secret-of-32-bytes', 'HS512')).toEqual([
      'servers.github.auth.privateKeyJwt.key: HS512 needs a key of at least 64 bytes (RFC 7518)',
    ]);
    expect(jwt('', 'HS256')).toEqual([
      'servers.github.auth.privateKeyJwt.key: must be a non-empty string',
    ]);
  });

  it('names what an object lacks to be an OAuthClientProvider', () => {
    expect(issuesFor({ clientId: 'a', clientSecret: 's' })).toEqual([
      "servers.github.auth.clientMetadata: must be an object: auth is { type: 'client_credentials', ... } or an OAuthClientProvider",
      'servers.github.auth.tokens: must be a function (OAuthClientProvider)',
      'servers.github.auth.clientInformation: must be a function (OAuthClientProvider)',
      'servers.github.auth.saveTokens: must be a function (OAuthClientProvider)',
    ]);
    expect(issuesFor('Bearer abc')).toEqual(['servers.github.auth: must be an object']);
  });

  it('names what a provider that sends a user to authorize lacks for that flow', () => {
    const incomplete = {
      ...plainProvider(),
      redirectUrl: 'https://app.example.com/callback',
      authorizationCode: () => Promise.resolve('code'),
      redirectToAuthorization: undefined,
      codeVerifier: 'v',
    };
    expect(issuesFor(incomplete)).toEqual([
      'servers.github.auth.redirectToAuthorization: must be a function (OAuthClientProvider)',
      'servers.github.auth.codeVerifier: must be a function (OAuthClientProvider)',
    ]);
    expect(issuesFor({ ...plainProvider(), redirectUrl: 'callback' })).toEqual([
      'servers.github.auth.redirectUrl: must be an absolute URL (a string or a URL)',
    ]);
    expect(issuesFor({ ...plainProvider(), authorizationCode: () => 'code' })).toEqual([
      'servers.github.auth.redirectUrl: is required with authorizationCode()',
    ]);
    expect(issuesFor({ ...plainProvider(), authorizationCode: 'code' })).toEqual([
      'servers.github.auth.authorizationCode: must be a function (InteractiveOAuthClientProvider)',
      'servers.github.auth.redirectUrl: is required with authorizationCode()',
    ]);
    // Without a redirect URL (a client-credentials provider) the flow's methods are not needed.
    const machine = { ...plainProvider(), redirectToAuthorization: undefined };
    expect(issuesFor(machine)).toEqual([]);
    const url = { ...plainProvider(), redirectUrl: new URL('https://app.example.com/cb') };
    expect(issuesFor(url)).toEqual([]);
  });

  it('names a provider method whose getter throws', () => {
    class BrokenProvider {
      clientMetadata = { redirect_uris: [] };
      tokens = (): undefined => undefined;
      saveTokens = (): undefined => undefined;
      get clientInformation(): never {
        throw new Error('hunter2');
      }
    }
    const issues = issuesFor(new BrokenProvider());
    expect(issues).toEqual([
      'servers.github.auth.clientInformation: could not be read: a getter or Proxy trap threw Error',
    ]);
  });

  it('freezes a copy of a client-credentials config but leaves a plain-object provider usable', () => {
    const provider = plainProvider();
    const credentials = {
      type: 'client_credentials' as const,
      clientId: 'a',
      clientSecret: 's',
      issuer: ISSUER,
    };
    const resolved = resolveOptions({
      servers: { a: { url: URL_, auth: provider }, b: { url: URL_, auth: credentials } },
    });
    expect(Object.isFrozen(resolved.servers.a)).toBe(true);
    expect(resolved.servers.a.auth).toBe(provider);
    expect(Object.isFrozen(provider)).toBe(false);
    expect(Object.isFrozen(provider.clientMetadata)).toBe(false);
    void provider.saveTokens({ access_token: 't', token_type: 'Bearer' });
    expect(provider.saved).toHaveLength(1);
    expect(Object.isFrozen(resolved.servers.b?.auth)).toBe(true);
    expect(Object.isFrozen(credentials)).toBe(false);
  });
});
