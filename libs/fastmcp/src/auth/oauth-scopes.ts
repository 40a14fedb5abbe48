/** The scopes of a space-separated OAuth scope string. */
export function scopeSet(scope: string | undefined): Set<string> {
  return new Set((scope ?? '').split(/\s+/).filter((s) => s.length > 0));
}

/** Every scope of the given strings, once each, space-separated; undefined when none. */
export function unionScopes(...scopes: Array<string | undefined>): string | undefined {
  const all = new Set(scopes.flatMap((scope) => [...scopeSet(scope)]));
  return all.size > 0 ? [...all].join(' ') : undefined;
}

/** True when `held` has every scope of `wanted` (an empty `wanted` is always covered). */
export function coversScopes(held: string | undefined, wanted: string | undefined): boolean {
  const have = scopeSet(held);
  return [...scopeSet(wanted)].every((scope) => have.has(scope));
}
