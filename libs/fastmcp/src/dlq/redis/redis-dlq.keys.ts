import type { DlqEntryMeta } from '../core/dlq-entry-meta.js';
/** The fields of an entry its indexes are keyed by, as the `meta` hash keeps them. */

export function encodeMeta(meta: DlqEntryMeta): string {
  return `${meta.operation}\n${meta.clientId}\n${meta.errorClass}\n${meta.priority}`;
}

export function decodeMeta(raw: string): DlqEntryMeta | null {
  const parts = raw.split('\n');
  if (parts.length !== 4) return null;
  const [operation, clientId, errorClass, priority] = parts;
  return { operation, clientId, errorClass, priority };
}

/** The field of `counts` that holds the entries of a client id. */
export function clientCountField(clientId: string): string {
  return `client:${clientId}`;
}

/** The field of `counts` that holds the entries of an error class. */
export function classCountField(errorClass: string): string {
  return `class:${errorClass}`;
}

/** Distinct metas whose index key names are kept (cleared when full: a bound, not an LRU). */
const INDEX_NAMES_CACHED = 1024;

/**
 * Key names of the Redis store. Every key starts with `{<prefix>}`, one hash tag, so all of them
 * live in one Redis Cluster slot; every script is handed every key it touches, computed here.
 * Only validated ids, client ids, classes and operation names are ever put in a key; no key is
 * ever used as a pattern.
 */
export class RedisDlqKeys {
  private readonly indexNames = new Map<string, readonly string[]>();

  /** `{prefix}`: the base every key builds on. */
  readonly base: string;
  /** Sorted set of every id, scored by creation time (ms). */
  readonly all: string;
  /** Sorted set of every id, scored by expiry time (ms): drives retention. */
  readonly expiry: string;
  /** Hash id -> encoded `DlqEntryMeta`. */
  readonly meta: string;
  /** Sorted set of ids a redrive policy matches, scored by their next redrive time (ms). */
  readonly due: string;
  /**
   * Hash of entry counts by client id (`client:<id>`) and error class (`class:<name>`), behind
   * `getStats()`. Counts by operation and priority are the sizes of their indexes.
   */
  readonly counts: string;
  /** The keys every removing script gets first, in the order `includes/entry-keys.lua` names. */
  readonly core: readonly string[];

  constructor(prefix: string) {
    this.base = `{${prefix}}`;
    this.all = `${this.base}:all`;
    this.expiry = `${this.base}:exp`;
    this.meta = `${this.base}:meta`;
    this.due = `${this.base}:due`;
    this.counts = `${this.base}:counts`;
    this.core = [this.all, this.expiry, this.meta, this.due, this.counts];
  }

  entry(id: string): string {
    return `${this.base}:e:${id}`;
  }

  lease(id: string): string {
    return `${this.base}:lease:${id}`;
  }

  /** Set when an entry is deleted or replayed, so a late retry of its write cannot restore it. */
  tombstone(id: string): string {
    return `${this.base}:gone:${id}`;
  }

  /** Names the entry of a recent failure with this fingerprint (dedup). */
  dedup(fingerprint: string): string {
    return `${this.base}:dedup:${fingerprint}`;
  }

  byOperation(operation: string): string {
    return `${this.base}:op:${operation}`;
  }

  byClient(clientId: string): string {
    return `${this.base}:client:${clientId}`;
  }

  byErrorClass(errorClass: string): string {
    return `${this.base}:class:${errorClass}`;
  }

  byPriority(priority: string): string {
    return `${this.base}:prio:${priority}`;
  }

  /**
   * The four index keys of an entry with this meta: operation, client, class, priority. Built
   * once per meta (a store has few distinct ones), since every write needs them.
   */
  indexes(meta: DlqEntryMeta): readonly string[] {
    const encoded = encodeMeta(meta);
    let names = this.indexNames.get(encoded);
    if (!names) {
      if (this.indexNames.size >= INDEX_NAMES_CACHED) this.indexNames.clear();
      names = [
        this.byOperation(meta.operation),
        this.byClient(meta.clientId),
        this.byErrorClass(meta.errorClass),
        this.byPriority(meta.priority),
      ];
      this.indexNames.set(encoded, names);
    }
    return names;
  }

  /** Job records of bulk replays. */
  job(id: string): string {
    return `${this.base}:job:${id}`;
  }

  jobIds(id: string): string {
    return `${this.base}:job:${id}:ids`;
  }

  jobLease(id: string): string {
    return `${this.base}:job:${id}:lease`;
  }

  /** Sorted set of job ids by creation time. */
  get jobs(): string {
    return `${this.base}:jobs`;
  }
}
