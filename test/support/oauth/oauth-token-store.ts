import { randomBytes } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

interface Grant {
  clientId: string;
  scopes: string[];
  resource?: string;
}

interface AccessGrant extends Grant {
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** Opaque access and refresh tokens, kept in memory. */
export class OAuthTokenStore {
  readonly issued: string[] = [];
  private readonly access = new Map<string, AccessGrant>();
  private readonly refresh = new Map<string, Grant>();

  constructor(private readonly expiresInSeconds: number) {}

  /** A new access token (and refresh token when asked) for `grant`. */
  issue(grant: Grant, withRefresh: boolean): OAuthTokens {
    const accessToken = newToken('at');
    const expiresAt = Math.floor(Date.now() / 1000) + this.expiresInSeconds;
    this.access.set(accessToken, { ...grant, expiresAt });
    this.issued.push(accessToken);
    const tokens: OAuthTokens = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.expiresInSeconds,
      scope: grant.scopes.join(' '),
    };
    if (withRefresh) {
      tokens.refresh_token = newToken('rt');
      this.refresh.set(tokens.refresh_token, grant);
      this.issued.push(tokens.refresh_token);
    }
    return tokens;
  }

  /** The grant of a refresh token, which is used up (rotation). */
  redeemRefresh(token: string): Grant | undefined {
    const grant = this.refresh.get(token);
    this.refresh.delete(token);
    return grant;
  }

  /** What `requireBearerAuth` needs to know of an access token; unknown ones throw. */
  verify(token: string): AuthInfo | undefined {
    const grant = this.access.get(token);
    if (!grant) return undefined;
    return {
      token,
      clientId: grant.clientId,
      scopes: grant.scopes,
      expiresAt: grant.expiresAt,
      resource: grant.resource ? new URL(grant.resource) : undefined,
    };
  }

  revokeAccessTokens(): void {
    this.access.clear();
  }
}

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}
