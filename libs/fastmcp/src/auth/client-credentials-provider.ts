import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  ClientCredentialsProvider,
  PrivateKeyJwtProvider,
} from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import type { OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type { ClientCredentialsAuthOptions } from '../options/auth-options.interface.js';
import { unionScopes } from './oauth-scopes.js';
import type { ScopeWidening } from './scope-widening.js';
import { basicAuthForms } from './secret-forms.js';

const CLIENT_NAME = 'nestjs-fastmcp';
/** Why a client-credentials config without `issuer` is refused, at start-up and here. */
export const ISSUER_REQUIRED =
  'is required: the issuer URL of the authorization server the credentials belong to (they are sent nowhere else)';

/** A client-credentials config bound to its authorization server. */
type BoundCredentials = ClientCredentialsAuthOptions & { issuer: string };

/** The SDK's client_secret provider, asking for a scope that grows with step-ups. */
class SecretClientCredentials extends ClientCredentialsProvider implements ScopeWidening {
  private scope?: string;

  constructor(options: BoundCredentials, clientSecret: string) {
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

  constructor(options: BoundCredentials, jwt: { key: string; alg: string }) {
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

/**
 * The SDK provider for a client-credentials config (validated at start-up). It is bound to the
 * config's `issuer`: the SDK then refuses to present the credentials to any other authorization
 * server. Without one it throws rather than fall back to the SDK's unbound mode.
 */
export function createClientCredentialsProvider(
  options: ClientCredentialsAuthOptions,
): OAuthClientProvider & ScopeWidening {
  if (!isBound(options)) {
    throw new FastMcpConfigError([{ field: 'auth.issuer', message: ISSUER_REQUIRED }]);
  }
  if (options.privateKeyJwt) return new JwtClientCredentials(options, options.privateKeyJwt);
  return new SecretClientCredentials(options, options.clientSecret ?? '');
}

function isBound(options: ClientCredentialsAuthOptions): options is BoundCredentials {
  return typeof options.issuer === 'string' && options.issuer.length > 0;
}

/**
 * The values of a client-credentials config that must never appear in an error or a log: the
 * secret, the signing key, and the secret as `client_secret_basic` sends it.
 */
export function clientCredentialsSecrets(options: ClientCredentialsAuthOptions): string[] {
  const { clientId, clientSecret } = options;
  const basicForms = clientSecret ? basicAuthForms(clientId, clientSecret) : [];
  return [clientSecret, options.privateKeyJwt?.key, ...basicForms].filter(
    (secret): secret is string => typeof secret === 'string' && secret.length > 0,
  );
}
