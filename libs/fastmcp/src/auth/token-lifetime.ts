import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/** Refresh this long before expiry at most... */
const MAX_SKEW_MS = 30_000;
/** ...and at most this share of the token's lifetime. */
const SKEW_SHARE = 0.1;

/**
 * When the current access token was obtained and how long it lives, as seen after each OAuth
 * flow. Tokens found in a provider before any flow have no known age: never refreshed early.
 */
export class TokenLifetime {
  private token?: string;
  private obtainedAt = 0;
  private lifetimeMs?: number;

  /** Records tokens a flow started at `startedAt` left in the provider. */
  observe(tokens: OAuthTokens | undefined, startedAt: number): void {
    if (!tokens || tokens.access_token === this.token) return;
    this.token = tokens.access_token;
    this.obtainedAt = startedAt;
    const expiresIn = tokens.expires_in;
    this.lifetimeMs =
      typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
        ? expiresIn * 1000
        : undefined;
  }

  /** True when `token` is the observed one and is within the skew of its expiry (or past it). */
  refreshDue(token: string, now: number): boolean {
    if (token !== this.token || this.lifetimeMs === undefined) return false;
    const skew = Math.min(MAX_SKEW_MS, this.lifetimeMs * SKEW_SHARE);
    return now >= this.obtainedAt + this.lifetimeMs - skew;
  }

  /** True when `token` is the observed one and its lifetime has passed. */
  expired(token: string, now: number): boolean {
    if (token !== this.token || this.lifetimeMs === undefined) return false;
    return now >= this.obtainedAt + this.lifetimeMs;
  }
}
