import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  ClientCredentialsProvider,
  PrivateKeyJwtProvider,
} from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import type { OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { ClientCredentialsAuthOptions } from '../options/auth-options.interface.js';
import { unionScopes } from './oauth-scopes.js';
import type { ScopeWidening } from './scope-widening.js';

const CLIENT_NAME = 'nestjs-fastmcp';

/** The SDK's client_secret provider, asking for a scope that grows with step-ups. */
class SecretClientCredentials extends ClientCredentialsProvider implements ScopeWidening {
  private scope?: string;

  constructor(options: ClientCredentialsAuthOptions, clientSecret: string) {
    super({
      clientId: options.clientId,
      clientSecret,
      clientName: CLIENT_NAME,
      scope: options.scope,
      expectedIssuer: options.issuer,
    });
    this.scope = options.scope;
  }

  override get clientMetadata(): OAuthClientMetadata {
    return { ...super.clientMetadata, scope: this.scope };
  }

  widenScope(scope: string): void {
    this.scope = unionScopes(this.scope, scope);
  }
}

/** The SDK's private_key_jwt provider, asking for a scope that grows with step-ups. */
class JwtClientCredentials extends PrivateKeyJwtProvider implements ScopeWidening {
  private scope?: string;

  constructor(options: ClientCredentialsAuthOptions, jwt: { key: string; alg: string }) {
    super({
      clientId: options.clientId,
      privateKey: jwt.key,
      algorithm: jwt.alg,
      clientName: CLIENT_NAME,
      scope: options.scope,
      expectedIssuer: options.issuer,
    });
    this.scope = options.scope;
  }

  override get clientMetadata(): OAuthClientMetadata {
    return { ...super.clientMetadata, scope: this.scope };
  }

  widenScope(scope: string): void {
    this.scope = unionScopes(this.scope, scope);
  }
}

/** The SDK provider for a client-credentials config (validated at start-up). */
export function createClientCredentialsProvider(
  options: ClientCredentialsAuthOptions,
): OAuthClientProvider & ScopeWidening {
  if (options.privateKeyJwt) return new JwtClientCredentials(options, options.privateKeyJwt);
  return new SecretClientCredentials(options, options.clientSecret ?? '');
}

/** The values of a client-credentials config that must never appear in an error or a log. */
export function clientCredentialsSecrets(options: ClientCredentialsAuthOptions): string[] {
  return [options.clientSecret, options.privateKeyJwt?.key].filter(
    (secret): secret is string => typeof secret === 'string' && secret.length > 0,
  );
}
