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
 * capped them, goes as deep as this) are not deduplicated: the entry's id stands in.
 */
function argumentsKey(entry: FailedOperation): string {
  try {
    return JSON.stringify(entry.arguments ?? null, withSortedKeys);
  } catch {
    return `not deduplicated: ${entry.id}`;
  }
}

/**
 * A JSON.stringify replacer that writes each object's keys in sorted order: native serialising
 * with a call per value, several times faster on large arguments than building the text by hand.
 * An object whose keys are already in order is written as it is, without a copy.
 */
function withSortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (isSorted(keys)) return value;
  // No prototype: a `__proto__` key (JSON.parse makes it an own key) stays a key here too.
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of keys.sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}
