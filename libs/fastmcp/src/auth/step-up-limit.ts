import { coversScopes, unionScopes } from './oauth-scopes.js';

/**
 * Bounds 403 step-ups in a row: a run ends on a successful request, or when the server asks
 * for a scope not asked for in the run yet.
 */
export class StepUpLimit {
  private count = 0;
  private scope?: string;

  constructor(readonly max: number) {}

  /** Counts a step-up for `scope`; false once the run has more than `max`. */
  allows(scope: string | undefined): boolean {
    if (!coversScopes(this.scope, scope)) this.count = 0;
    this.count += 1;
    this.scope = unionScopes(this.scope, scope);
    return this.count <= this.max;
  }

  /** A request succeeded: the run is over. */
  reset(): void {
    this.count = 0;
  }
}
