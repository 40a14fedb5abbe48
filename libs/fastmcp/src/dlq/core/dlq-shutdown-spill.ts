import { FastMcpConfigError } from '../../errors/fastmcp-config.error.js';
import type { DlqWriteSource } from './dlq-entry.writer.js';
import { describe, type DlqNotifier } from './dlq-notifier.js';
import { DlqSpillFile, spillLine, type SpilledEntry } from './dlq-spill-file.js';
import type { DlqWriteBuffer } from './dlq-write-buffer.js';
import type { FailedOperation } from './failed-operation.interface.js';

/**
 * Nothing is dropped at shutdown: what the buffer still holds goes to the store if it is back,
 * else to the spill file, which the next start writes into the store and removes.
 */
export class DlqShutdownSpill {
  private readonly file: DlqSpillFile | undefined;

  constructor(
    path: string | false,
    private readonly buffer: DlqWriteBuffer,
    private readonly notifier: DlqNotifier,
    /** The buffer's write: `mayHaveLanded` as the buffer's hook takes it. */
    private readonly write: (
      entry: FailedOperation,
      mayHaveLanded: boolean,
      source?: DlqWriteSource,
    ) => Promise<unknown>,
    /**
     * A spilled entry rebuilt as an import rebuilds one (importedEntry): a line edited by hand
     * (a priority of "urgent", a negative count) is refused rather than stored as it reads.
     */
    private readonly rebuild: (entry: FailedOperation) => FailedOperation,
  ) {
    this.file = path ? new DlqSpillFile(path) : undefined;
  }

  /** Fails the start with FastMcpConfigError when the spill file could not be written. */
  assertUsable(): void {
    const reason = this.file?.unwritableReason();
    if (reason) {
      const message = `${reason}: give a writable path, or false to log the entries instead`;
      throw new FastMcpConfigError([{ field: 'dlq.spillFile', message }]);
    }
  }

  /**
   * Writes what earlier runs spilled (buffering what the store refuses, and saving back to the
   * spill file what the buffer has no room for), then removes the claimed files.
   */
  async importFile(): Promise<void> {
    if (!this.file) return;
    for (const claimed of this.file.claim()) await this.importClaimed(claimed, this.file);
  }

  private async importClaimed(claimed: DlqSpillFile, file: DlqSpillFile): Promise<void> {
    const { entries, unreadable } = claimed.contents();
    this.keepRejected(unreadable, `hold no dead letter (torn or edited)`, claimed, file);
    const { valid, refused, reason } = this.rebuilt(entries);
    this.keepRejected(refused, `hold a dead letter an import refuses (${reason})`, claimed, file);
    const kept: SpilledEntry[] = [];
    let buffered = 0;
    for (const held of valid) {
      const { entry, mayHaveLanded, storedBefore } = held;
      try {
        // The memory store's entries were stored apart (and announced): no fold, no recount.
        await this.write(entry, mayHaveLanded, storedBefore ? 'restore' : 'failure');
      } catch (error) {
        if (this.buffer.refusing) {
          kept.push(held);
          continue;
        }
        // Not buffered (an error a retry cannot mend): the buffer has logged it as lost.
        if (!this.buffer.push(entry, error, mayHaveLanded, storedBefore)) continue;
        this.notifier.buffered(entry, error);
        buffered++;
      }
    }
    file.save(kept);
    claimed.remove();
    if (valid.length > 0) {
      this.notifier.imported(valid.length - kept.length, file.path, buffered, kept.length);
    }
  }

  /** The entries rebuilt, and the lines of those refused with the first refusal's reason. */
  private rebuilt(entries: readonly SpilledEntry[]): {
    valid: SpilledEntry[];
    refused: string[];
    reason: string;
  } {
    const valid: SpilledEntry[] = [];
    const refused: string[] = [];
    let reason = '';
    for (const held of entries) {
      try {
        valid.push({ ...held, entry: this.rebuild(held.entry) });
      } catch (error) {
        refused.push(spillLine(held));
        reason ||= describe(error);
      }
    }
    return { valid, refused, reason };
  }

  /** Lines not imported go to `<spill file>.rejected`, or to the ERROR log: never away. */
  private keepRejected(
    lines: string[],
    why: string,
    claimed: DlqSpillFile,
    file: DlqSpillFile,
  ): void {
    if (lines.length === 0) return;
    const what = `${lines.length} lines of the spill file ${claimed.path} ${why}`;
    try {
      this.notifier.logger.error(`${what}: kept in ${file.keepUnreadable(lines)} to mend by hand`);
    } catch (error) {
      this.notifier.logger.error(
        `${what}, and could not be kept (${String(error)}): ${lines.join('\n')}`,
      );
    }
  }

  /** One pass of the buffer into the store; what is left goes to the spill file (if any). */
  async spill(): Promise<void> {
    await this.buffer.flush();
    if (!this.file || this.buffer.size === 0) return;
    const entries = this.buffer.takeAll();
    if (this.save(entries, 'spill file')) {
      this.notifier.spilled(
        entries.map(({ entry }) => entry.id),
        this.file.path,
      );
    }
  }

  /**
   * The memory store's entries as it closes: to the spill file, for the next start to import,
   * or (no file, or not written) each logged at ERROR as full JSON and counted.
   */
  keepMemoryEntries(entries: readonly FailedOperation[]): void {
    if (entries.length === 0) return;
    if (!this.file) {
      const reason = 'memory store closed';
      for (const entry of entries)
        this.notifier.lostToLog(entry, reason, 'dlq.spillFile is false', false);
      return;
    }
    const held = entries.map((entry) => ({ entry, mayHaveLanded: false, storedBefore: true }));
    if (this.save(held, 'memory store closing: spill file')) {
      this.notifier.keptAtClose(entries.length, this.file.path);
    }
  }

  /** Appends to the spill file; when that fails, each entry is logged at ERROR instead. */
  private save(entries: readonly SpilledEntry[], what: string): boolean {
    const file = this.file!;
    try {
      file.save(entries);
      return true;
    } catch (error) {
      for (const { entry } of entries) {
        this.notifier.lostToLog(entry, `${what} ${file.path} not written`, error, false);
      }
      return false;
    }
  }
}
