import { scopeSet, unionScopes } from './oauth-scopes.js';

/** Most distinct scopes the flows of one server may ask for... */
export const MAX_SCOPES = 64;
/** ...and most characters of them: a server naming new ones on every challenge is refused. */
export const MAX_SCOPE_CHARS = 4096;

/**
 * The scopes one server's flows ask for. A step-up asks for every scope asked before and the
 * challenge's (MCP 2026-07-28, Step-Up: "the union of the client's previously requested scope
 * set and the scopes from the current challenge"), so the new token keeps what the old had.
 */
export class StepUpScopes {
  /** Every scope a challenge named. */
  private challenged?: string;
  /** Every scope an authorization request asked for. */
  private requested?: string;

  /** True when the flows may also ask for `scope` and stay within MAX_SCOPES and MAX_SCOPE_CHARS. */
  fits(scope: string): boolean {
    const all = unionScopes(this.requested, this.challenged, scope) ?? '';
    return all.length <= MAX_SCOPE_CHARS && scopeSet(all).size <= MAX_SCOPES;
  }

  /** A challenge named `scope`. */
  challenge(scope: string | undefined): void {
    this.challenged = unionScopes(this.challenged, scope);
  }

  /** An authorization request asked for `scope`. */
  asked(scope: string | undefined): void {
    this.requested = unionScopes(this.requested, scope);
  }

  /**
   * The scope of the next flow: none until a challenge named one (the SDK then asks for the
   * server's `scopes_supported`, else the client metadata's `scope`); after that, every scope
   * asked before, the ones the token holds and the challenged ones.
   */
  next(tokenScope: string | undefined): string | undefined {
    if (this.challenged === undefined) return undefined;
    return unionScopes(this.requested, tokenScope, this.challenged);
  }
}
