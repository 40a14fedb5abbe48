import type { Cluster, ClusterNode, ClusterOptions, Redis } from 'ioredis';
import type { DlqOperationName } from '../events/operation-name.js';

/** Error kinds that can be dead-lettered. */
export type DeadLetterKind =
  | 'retries_exhausted'
  | 'budget_exhausted'
  | 'http'
  | 'transport'
  | 'timeout'
  | 'protocol'
  | 'auth'
  | 'delivery_unknown'
  | 'circuit_open'
  | 'rate_limited'
  | 'shutdown';

export interface DlqRedisOptions {
  /** A Redis URL; the module opens the connection and closes it on shutdown. */
  url?: string;
  /** A connection the app owns (not closed by the module): one node, or an ioredis `Cluster`. */
  client?: Redis | Cluster;
  /**
   * A Redis Cluster the module connects to (and closes on shutdown): its seed `nodes`
   * (`{ host, port }` or `'host:port'`) and ioredis `ClusterOptions` over the module's
   * (no offline queue, TRYAGAIN retried every 100 ms, 2 s timeouts). Every DLQ key shares one
   * hash tag, so the whole queue lives in one slot. Default none.
   */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
  /**
   * Use the connection of `@liaoliaots/nestjs-redis`'s `RedisModule` with this namespace
   * (`'default'` for the default one). The app must import `RedisModule`.
   */
  namespace?: string;
  /**
   * Confirm a store only once `count` replicas have it (Redis `WAIT count timeoutMs` after the
   * insert): a store that reached fewer stays buffered (then spilled) and is written again, so a
   * master that fails over before replicating loses no confirmed dead letter. A replay runs the
   * tool only once its lease is on `count` replicas too (else it fails with DlqUnavailableError,
   * the entry given back as it was), so a failover cannot let another instance replay it
   * meanwhile. `count` 1..16, `timeoutMs` 1..1500 (within the store's 2 s write timeout).
   * Default none (the master's answer confirms both).
   */
  replicas?: DlqRedisReplicas;
}

/** See `DlqRedisOptions.replicas`. */
export interface DlqRedisReplicas {
  count: number;
  timeoutMs: number;
}

/**
 * Which entries an automatic redrive policy takes; every given list must contain the entry's value.
 * A given list is non-empty and holds only values an entry can have. Default: every entry.
 */
export interface DlqRedriveMatch {
  /** Error classes of the last failure (`ERROR_CLASS_PATTERN`), e.g. `['http_503', 'timeout']`. */
  errorClass?: string[];
  /** Operations: `connect`, `list_tools`, `call_tool`. */
  operation?: DlqOperationName[];
  /** Client ids (`CLIENT_ID_PATTERN`). */
  clientId?: string[];
}

/**
 * An automatic redrive: matching entries are replayed in the background when due, on every
 * instance (per-entry leases: each entry once), never when marked `deliveryUnknown`, held while
 * the server's circuit is open and paced by its rate limit.
 */
export interface DlqRedrivePolicy {
  /** Which entries. Default: all of them (but `deliveryUnknown` ones). */
  match?: DlqRedriveMatch;
  /** Delay before the first redrive: ms or `30s`, `5m`, `2h`, `1d` (at most 10 years). Required. */
  after: number | string;
  /** Each next delay is the previous times this (>= 1). Default 2. */
  backoff?: number;
  /** Redrives at most; then the entry stays dead with `redriveExhausted: true`. Default 5. */
  maxRedrives?: number;
}

export interface DlqOptions {
  /** `redis` (the default when `redis` is set) or `memory` (the default otherwise). */
  store?: 'redis' | 'memory';
  /** Where the Redis store connects. */
  redis?: DlqRedisOptions;
  /** Prefix of every key; a hash tag is added so all keys share one cluster slot. Default `fastmcp:dlq`. */
  keyPrefix?: string;
  /** How long an entry is kept, in ms (1000 to 10 years). Default 7 days. */
  ttlMs?: number;
  /** Entries kept at most; the oldest are evicted, to 1 % below it (counted and logged). Default 100000. */
  maxEntries?: number;
  /** Serialized tool arguments kept at most, in bytes; larger ones are capped. Default 262144. */
  maxArgumentBytes?: number;
  /** Failure kinds that are stored. Default: all of them. */
  storeKinds?: DeadLetterKind[];
  /**
   * Extra header names to redact. Always redacted: Authorization, Cookie, Set-Cookie,
   * Proxy-Authorization, Mcp-Session-Id, and any name containing token, secret, api-key (apikey,
   * api_key), password, passwd, credential or session-key (a bare `key` is not enough). Default [].
   */
  secretHeaders?: string[];
  /** Entries held in memory while Redis is unreachable. Default 1000. */
  bufferSize?: number;
  /**
   * The same failure again (operation, client id, tool and arguments) within this many ms of an
   * entry raises that entry's `occurrences` and `lastFailedAt` instead of adding one. `0` turns
   * dedup off; at most 10 years. Default 300000 (5 min).
   */
  dedupWindowMs?: number;
  /** Automatic redrive policies, first match wins. Default `[]` (none). */
  redrive?: DlqRedrivePolicy[];
  /** How often each instance looks for due redrives, in ms (100..2147483647). Default 5000. */
  redriveIntervalMs?: number;
  /**
   * How long a replay holds its lease, in ms (100..2147483647), renewed every third of it while
   * the call runs. Default 60000.
   */
  replayLeaseMs?: number;
  /**
   * Where buffered entries go when the app stops before Redis is back (one JSON entry a line,
   * mode 0600); the next start imports them into the store and removes the file. `false`: logged
   * at ERROR instead. Default `fastmcp-dlq-spill.jsonl` in the working directory.
   */
  spillFile?: string | false;
}
