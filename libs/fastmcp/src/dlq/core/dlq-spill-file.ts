import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { FailedOperation } from './failed-operation.interface.js';

/**
 * Dead letters that could not be written before the process stopped, one JSON entry a line.
 * Written whole (temporary file, then rename, mode 0600), merged by id with what is already there;
 * read back and removed by the next start. Entries hold no configured secrets (the entry builder
 * redacts them before an entry exists).
 */
export class DlqSpillFile {
  constructor(readonly path: string) {}

  /** The spilled entries (none when there is no file); lines that are not JSON are skipped. */
  read(): FailedOperation[] {
    if (!existsSync(this.path)) return [];
    const entries: FailedOperation[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as FailedOperation);
      } catch {
        // A torn last line (a crash mid-write never happens with rename, but a hand edit may).
      }
    }
    return entries;
  }

  /** Adds `entries` to the file (an id already there is kept once). */
  save(entries: readonly FailedOperation[]): void {
    if (entries.length === 0) return;
    const byId = new Map(this.read().map((entry) => [entry.id, entry]));
    for (const entry of entries) byId.set(entry.id, entry);
    const body = [...byId.values()].map((entry) => JSON.stringify(entry)).join('\n') + '\n';
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, body, { mode: 0o600 });
    renameSync(temporary, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
