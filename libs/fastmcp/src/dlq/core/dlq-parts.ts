import type { DlqWriteSource } from './dlq-entry.writer.js';
import { configuredSecrets } from '../../auth/configured-secrets.js';
import type {
  ResolvedDlqOptions,
  ResolvedFastMcpOptions,
} from '../../options/fastmcp-options.interface.js';
import { DlqEntryBuilder } from './dlq-entry.builder.js';
import { importedEntry } from './dlq-import.js';
import { DlqEntryWriter, type DlqWriteResult } from './dlq-entry.writer.js';
import { lateWriteOf, writeMayHaveLanded } from './dlq-late-write.js';
import type { DlqNotifier } from './dlq-notifier.js';
import { DlqRedrivePlan } from './dlq-redrive.plan.js';
import { type DlqClock, isStoreFailure } from './dlq-runtime.js';
import { DlqShutdownSpill } from './dlq-shutdown-spill.js';
import type { DlqStorage } from './dlq-storage.interface.js';
import { DlqWriteBuffer } from './dlq-write-buffer.js';
import type { FailedOperation } from './failed-operation.interface.js';

/** What an active queue (not `dlq: false`) works with. */
export interface DlqParts {
  options: Readonly<ResolvedDlqOptions>;
  storage: DlqStorage;
  builder: DlqEntryBuilder;
  writer: DlqEntryWriter;
  buffer: DlqWriteBuffer;
  spill: DlqShutdownSpill;
}

/** Wires the queue's parts; `write` is the queue's timed write, used by the buffer and spill. */
export function assembleDlq(
  options: ResolvedFastMcpOptions,
  dlq: Readonly<ResolvedDlqOptions>,
  storage: DlqStorage,
  notifier: DlqNotifier,
  clock: DlqClock,
  write: (entry: FailedOperation, source?: DlqWriteSource) => Promise<DlqWriteResult>,
): DlqParts {
  const plan = new DlqRedrivePlan(dlq.redrive);
  const writer = new DlqEntryWriter(
    storage,
    {
      maxEntries: dlq.maxEntries,
      dedupWindowMs: dlq.dedupWindowMs,
      now: () => clock.now(),
      dueAt: (entry) => plan.firstDueAt(entry, clock.now()),
    },
    notifier,
  );
  // The buffer's retries and the spill's import: an entry whose earlier write may have landed
  // long ago is marked (see lateWriteOf).
  const writeLate = async (
    entry: FailedOperation,
    mayHaveLanded: boolean,
    source?: DlqWriteSource,
  ): Promise<void> => {
    const late = lateWriteOf(entry, mayHaveLanded, clock.now());
    if (late !== entry) notifier.markedLate(late);
    await write(late, source);
  };
  const buffer = new DlqWriteBuffer(dlq.bufferSize, {
    write: (entry, mayHaveLanded, storedBefore) =>
      writeLate(entry, mayHaveLanded, storedBefore ? 'restore' : undefined),
    mayHaveLanded: writeMayHaveLanded,
    retryable: isStoreFailure,
    flushed: (count) => notifier.flushed(count),
    lost: (entry, reason, error, first) => notifier.lostToLog(entry, reason, error, first),
  });
  const builder = new DlqEntryBuilder(dlq, configuredSecrets(options));
  const spill = new DlqShutdownSpill(dlq.spillFile, buffer, notifier, writeLate, (entry) =>
    importedEntry(entry, builder, clock.now()),
  );
  return { options: dlq, storage, builder, writer, buffer, spill };
}
