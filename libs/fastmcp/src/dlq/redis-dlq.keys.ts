import type { OperationName } from '../events/operation-name.js';

/**
 * Key names of the Redis store. Every key starts with `{<prefix>}`, one hash tag, so all of them
 * live in one Redis Cluster slot and a script may touch any of them. Only validated ids, client
 * ids and operation names are ever put in a key; no key is ever used as a pattern.
 */
export class RedisDlqKeys {
  /** `{prefix}`: the base every key and every script builds on. */
  readonly base: string;
  /** Sorted set of every id, scored by creation time (ms). */
  readonly all: string;
  /** Sorted set of every id, scored by expiry time (ms): drives retention. */
  readonly expiry: string;

  constructor(prefix: string) {
    this.base = `{${prefix}}`;
    this.all = `${this.base}:all`;
    this.expiry = `${this.base}:exp`;
  }

  entry(id: string): string {
    return `${this.base}:e:${id}`;
  }

  lease(id: string): string {
    return `${this.base}:lease:${id}`;
  }

  byOperation(operation: OperationName): string {
    return `${this.base}:op:${operation}`;
  }

  byClient(clientId: string): string {
    return `${this.base}:client:${clientId}`;
  }

  byErrorClass(errorClass: string): string {
    return `${this.base}:class:${errorClass}`;
  }

  /** Count sorted sets behind `getStats()`: `op`, `client` or `class`. */
  stat(kind: 'op' | 'client' | 'class'): string {
    return `${this.base}:stat:${kind}`;
  }
}
