import { FastMcpConfigError } from '../../errors/fastmcp-config.error.js';
import type { DlqNotifier } from './dlq-notifier.js';
import { DlqSpillFile } from './dlq-spill-file.js';
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
    private readonly write: (entry: FailedOperation) => Promise<unknown>,
  ) {
    this.file = path ? new DlqSpillFile(path) : undefined;
  }

  /** Fails the start with FastMcpConfigError when the spill file could not be written. */
  assertWritable(): void {
    const reason = this.file?.unwritableReason();
    if (reason) throw new FastMcpConfigError([{ field: 'dlq.spillFile', message: reason }]);
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
    const entries = claimed.read();
    const kept: FailedOperation[] = [];
    let buffered = 0;
    for (const entry of entries) {
      try {
        await this.write(entry);
      } catch (error) {
        if (this.buffer.refusing) {
          kept.push(entry);
          continue;
        }
        this.buffer.push(entry, error);
        this.notifier.buffered(entry, error);
        buffered++;
      }
    }
    file.save(kept);
    claimed.remove();
    if (entries.length > 0) {
      this.notifier.imported(entries.length - kept.length, file.path, buffered, kept.length);
    }
  }

  /** One pass of the buffer into the store; what is left goes to the spill file (if any). */
  async spill(): Promise<void> {
    await this.buffer.flush();
    const file = this.file;
    if (!file || this.buffer.size === 0) return;
    const entries = this.buffer.takeAll();
    try {
      file.save(entries);
      this.notifier.spilled(
        entries.map((entry) => entry.id),
        file.path,
      );
    } catch (error) {
      for (const entry of entries) {
        this.notifier.lostToLog(entry, `spill file ${file.path} not written`, error, false);
      }
    }
  }
}
