import { hash } from 'node:crypto';
import type { FailedOperation } from './failed-operation.interface.js';

/**
 * What makes two failures "the same" for dedup: operation, client id, tool and arguments. The
 * arguments are hashed with their keys sorted, so `{a,b}` and `{b,a}` match; nothing of them is
 * kept in a key.
 */
export function failureFingerprint(entry: FailedOperation): string {
  // sha1 is enough here (a key name, not a secret) and the cheapest digest node:crypto has;
  // the one-shot `hash` makes no Hash object per store.
  return hash(
    'sha1',
    `${entry.operation}\n${entry.clientId}\n${entry.toolName ?? ''}\n${argumentsKey(entry)}`,
    'base64url',
  );
}

/**
 * The arguments with their keys sorted. Arguments nested past the stack (JSON.stringify, which
 * capped them, goes deeper than this recursion) are not deduplicated: the entry's id stands in.
 */
function argumentsKey(entry: FailedOperation): string {
  try {
    return stableJson(entry.arguments ?? null);
  } catch {
    return `not deduplicated: ${entry.id}`;
  }
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.keys(value)
      .sort()
      .map(
        (key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`,
      );
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
