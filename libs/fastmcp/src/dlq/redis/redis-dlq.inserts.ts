import type { DlqRedisReplicas } from '../../options/dlq-options.interface.js';
import { metaOf } from '../core/dlq-entry-meta.js';
import { dlqIdTime } from '../core/dlq-id.js';
import type { DlqInsertResult } from '../core/dlq-storage.interface.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import { GroupCommit } from './group-commit.js';
import type { DlqRedisClient } from './redis-client.js';
import { DLQ_SCRIPTS } from './redis-dlq.scripts.js';
import {
  classCountField,
  clientCountField,
  encodeMeta,
  type RedisDlqKeys,
} from './redis-dlq.keys.js';

export interface InsertOptions {
  /** First redrive time (ms), 0 for none. */
  dueAt: number;
  /** Dedup key of this failure and its window; window 0: no dedup. */
  dedupKey: string;
  dedupWindowMs: number;
  /** Store even when the dedup key names another entry (which turned out to be gone). */
  ignoreDedup?: boolean;
}

/** One store's part of an insert.lua run: its keys after the core ones, its arguments. */
interface InsertItem {
  json: string;
  keys: string[];
  args: Array<string | number>;
}

/**
 * The Redis store's inserts: each entry with its index memberships and counts, decided in
 * insert.lua (known id, tombstone, dedup claim). Stores that arrive while earlier ones are on
 * the wire go together in one run of the script.
 */
export class RedisDlqInserts {
  /** Stores that arrive together go to Redis as one insert.lua run (see `GroupCommit`). */
  private readonly batches = new GroupCommit<InsertItem, DlqInsertResult>(
    (items) => this.insertAll(items),
    (item) => item.json.length,
  );

  constructor(
    private readonly redis: DlqRedisClient,
    private readonly keys: RedisDlqKeys,
    private readonly replicas?: DlqRedisReplicas,
  ) {}

  insert(entry: FailedOperation, options: InsertOptions): Promise<DlqInsertResult> {
    const meta = metaOf(entry);
    const k = this.keys;
    const entryKey = k.entry(entry.id);
    const dedup = options.dedupWindowMs > 0;
    const json = JSON.stringify(entry);
    return this.batches.submit({
      json,
      keys: [
        entryKey,
        k.tombstone(entry.id),
        ...k.indexes(meta),
        dedup ? k.dedup(options.dedupKey) : entryKey,
      ],
      args: [
        entry.id,
        json,
        dlqIdTime(entry.id),
        Date.parse(entry.expiresAt),
        encodeMeta(meta),
        clientCountField(meta.clientId),
        classCountField(meta.errorClass),
        options.dueAt,
        dedup ? options.dedupWindowMs : 0,
        options.ignoreDedup ? 1 : 0,
      ],
    });
  }

  /** Resolves once every insert made so far has its answer. */
  settled(): Promise<void> {
    return this.batches.idle();
  }

  private async insertAll(items: InsertItem[]): Promise<DlqInsertResult[]> {
    // Loops, not spreads and flatMap: a batch holds up to 32 stores of 17 values each.
    const keys: string[] = this.keys.core.slice();
    const args: Array<string | number> = [];
    for (const item of items) {
      for (const key of item.keys) keys.push(key);
      for (const arg of item.args) args.push(arg);
    }
    const reply = (await DLQ_SCRIPTS.insert.run(this.redis, keys, args, this.replicas)) as Array<
      number | string
    >;
    const total = Number(reply[0]);
    return items.map((_, i): DlqInsertResult => {
      const code = Number(reply[1 + 2 * i]);
      if (code === 2) return { kind: 'duplicate', id: String(reply[2 + 2 * i]) };
      return { kind: code === 1 ? 'stored' : 'known', total };
    });
  }
}
