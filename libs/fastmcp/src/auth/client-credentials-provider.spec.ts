import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isFastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type { ClientCredentialsAuthOptions } from '../options/auth-options.interface.js';
import {
  clientCredentialsSecrets,
  createClientCredentialsProvider,
} from './client-credentials-provider.js';
import { SecretScrubber } from './secret-scrubber.js';

const ISSUER = 'https://auth.example.com';
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('createClientCredentialsProvider', () => {
  it('binds the secret and the private key to the issuer (the SDK presents them nowhere else)', async () => {
    const secret = createClientCredentialsProvider({
      type: 'client_credentials',
      clientId: 'svc',
      clientSecret: 'svc-secret',
      issuer: ISSUER,
    });
    const jwt = createClientCredentialsProvider({
      type: 'client_credentials',
      clientId: 'svc',
      privateKeyJwt: { key: ecKey, alg: 'ES256' },
      issuer: ISSUER,
    });
    expect(await secret.clientInformation()).toMatchObject({ client_id: 'svc', issuer: ISSUER });
    expect(await jwt.clientInformation()).toMatchObject({ client_id: 'svc', issuer: ISSUER });
  });

  it('refuses a config without an issuer rather than run unbound', () => {
    for (const issuer of [undefined, '']) {
      const options = {
        type: 'client_credentials',
        clientId: 'svc',
        clientSecret: 'svc-secret',
        issuer,
      } as ClientCredentialsAuthOptions;
      const error = (() => {
        try {
          createClientCredentialsProvider(options);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(isFastMcpConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/^Invalid FastMcpModule options: auth\.issuer: /);
      expect((error as Error).message).not.toContain('svc-secret');
    }
  });
});

describe('clientCredentialsSecrets', () => {
  it('holds the secret as client_secret_basic sends it, so an echoed Authorization is scrubbed', () => {
    const secrets = clientCredentialsSecrets({
      type: 'client_credentials',
      clientId: 'svc id',
      clientSecret: 'cs~Secret!Value',
      issuer: ISSUER,
    });
    const scrubber = new SecretScrubber(secrets);
    const raw = Buffer.from('svc id:cs~Secret!Value').toString('base64');
    const formEncoded = Buffer.from('svc+id:cs%7ESecret%21Value').toString('base64');
    // A token endpoint quoting the header without its "Basic " prefix.
    expect(scrubber.scrub(`credential ${raw} not recognised`)).toBe(
      'credential [REDACTED] not recognised',
    );
    expect(scrubber.scrub(`credential ${formEncoded} not recognised`)).toBe(
      'credential [REDACTED] not recognised',
    );
  });
});
