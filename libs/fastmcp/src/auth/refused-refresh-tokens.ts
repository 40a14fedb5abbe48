/** How many refused refresh tokens stay known: a provider holds one grant at a time. */
const KEPT = 4;

/**
 * Refresh tokens an authorization server refused (`invalid_grant`, `invalid_client`). The SDK
 * asks the provider to forget them, but `invalidateCredentials` is optional: a provider without
 * it keeps handing back a dead refresh token, and every flow would present it again.
 */
export class RefusedRefreshTokens {
  private readonly tokens: string[] = [];

  add(token: string): void {
    if (this.tokens.includes(token)) return;
    this.tokens.push(token);
    if (this.tokens.length > KEPT) this.tokens.shift();
  }

  has(token: string | undefined): boolean {
    return token !== undefined && this.tokens.includes(token);
  }
}
