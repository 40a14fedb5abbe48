/**
 * A provider whose token requests ask for more scope after a 403 `insufficient_scope` (the
 * module's own client-credentials providers: the SDK sends `clientMetadata.scope` there).
 */
export interface ScopeWidening {
  /** Adds the scopes of `scope` to what later token requests ask for. */
  widenScope(scope: string): void;
}

export function canWidenScope(provider: object): provider is ScopeWidening {
  return typeof (provider as Partial<ScopeWidening>).widenScope === 'function';
}
