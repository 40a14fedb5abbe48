import { randomBytes } from 'node:crypto';
import {
  accessSync,
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  lstatSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isDlqId } from './dlq-id.js';
import { dateMs } from './dlq-input.validation.js';
import type { BufferedEntry } from './dlq-write-buffer.js';
import type { FailedOperation } from './failed-operation.interface.js';

const CLAIM = '.importing-';
/**
 * Names this process's claims beside its pid: a container's node runs as PID 1 on every start,
 * so a pid alone made a claim left by the last start look like this one's own, never imported.
 */
const PROCESS_TAG = randomBytes(6).toString('hex');

/** What a spill file holds: its entries, and the lines that hold none. */
export interface SpillContents {
  entries: SpilledEntry[];
  unreadable: string[];
}

/** Set on a line whose entry had a failed write that may have landed (stripped on reading). */
const MAY_HAVE_LANDED = 'writeMayHaveLanded';
/** Set on a line of the memory store's, whose entry was stored before (stripped on reading). */
const STORED_BEFORE = 'storedBefore';

/** A spilled entry: buffered (never stored), or the memory store's (`storedBefore`). */
export interface SpilledEntry extends BufferedEntry {
  storedBefore?: boolean;
}

/**
 * Dead letters that could not be written before the process stopped, one JSON entry a line
 * (mode 0600), read back by the next start. Several processes may share one path: a spill is one
 * append (O_APPEND writes do not overwrite each other, where a read-merge-write would), and an
 * import first renames the file to a claim of its own, so a spill made meanwhile starts a new
 * file instead of being removed with the imported one. Entries hold no configured secrets (the
 * entry builder redacts them before an entry exists).
 */
export class DlqSpillFile {
  constructor(readonly path: string) {}

  /** The spilled entries (none when there is no file); see `contents`. */
  read(): SpilledEntry[] {
    return this.contents().entries;
  }

  /**
   * The spilled entries, and the lines no entry could be read from: torn (a machine that lost
   * power mid-write) or edited by hand. Those are the caller's to keep: see `keepUnreadable`.
   */
  contents(): SpillContents {
    const contents: SpillContents = { entries: [], unreadable: [] };
    if (!existsSync(this.path)) return contents;
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const held = heldOf(line);
      if (held) contents.entries.push(held);
      else contents.unreadable.push(line);
    }
    return contents;
  }

  /** Appends `lines` to `<path>.rejected` (mode 0600) for an operator to mend; returns its path. */
  keepUnreadable(lines: readonly string[]): string {
    const path = `${this.path}.rejected`;
    appendFileSync(path, lines.map((line) => `${line}\n`).join(''), { mode: 0o600 });
    return path;
  }

  /**
   * Why the path cannot be a spill file at all, whatever the store: something that is not a
   * file is there (a directory the start-up import would otherwise rename), or its parent is
   * not a directory.
   */
  notAFileReason(): string | undefined {
    if (existsSync(this.path) && !lstatSync(this.path).isFile()) {
      return `${this.path} is not a regular file (a directory?)`;
    }
    const directory = dirname(this.path);
    if (existsSync(directory) && !statSync(directory).isDirectory()) {
      return `${directory} is not a directory`;
    }
    return undefined;
  }

  /**
   * Why the file could not be written at shutdown, checked at start (a missing or read-only
   * directory would only show when the entries are already on their way to the ERROR log).
   */
  unwritableReason(): string | undefined {
    const notAFile = this.notAFileReason();
    if (notAFile) return notAFile;
    const directory = dirname(this.path);
    try {
      accessSync(directory, constants.W_OK);
      if (existsSync(this.path)) accessSync(this.path, constants.R_OK | constants.W_OK);
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      return `cannot write ${this.path} (${code})`;
    }
  }

  /**
   * Adds `entries` to the file in one write. A start may rename the file to its claim between
   * this open and this write, and have read the claim already: the lines then go to the path
   * again (an import skips an id it already has), so none is lost with the claim. There is no
   * cap on tries: each one lost took a start's claim, and starts are few, where a cap of three
   * lost spills on a loaded machine with an import running (4 of 30,000 in CI).
   */
  save(entries: readonly SpilledEntry[]): void {
    if (entries.length === 0) return;
    const body = entries.map((held) => `${spillLine(held)}\n`).join('');
    while (!this.appendedAtPath(body));
  }

  /** Appends `body`; true when the file written is still the one at the path. */
  private appendedAtPath(body: string): boolean {
    const fd = openSync(this.path, 'a', 0o600);
    try {
      writeFileSync(fd, body);
      const written = fstatSync(fd);
      const atPath = statSync(this.path, { throwIfNoEntry: false });
      return atPath?.ino === written.ino && atPath.dev === written.dev;
    } finally {
      closeSync(fd);
    }
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }

  /**
   * The files to import, each renamed to a claim of this process first: this path's file, and
   * the claims of processes that died while importing. Another process's claim is never taken.
   */
  claim(): DlqSpillFile[] {
    const sources = [this.path, ...this.orphanedClaims()];
    const claimed: DlqSpillFile[] = [];
    let n = 0;
    for (const source of sources) {
      // Only a file is imported: anything else at the path is left exactly as it is.
      if (existsSync(source) && !lstatSync(source).isFile()) continue;
      // Never renamed onto a claim that is there: that would replace its entries.
      while (existsSync(this.claimPath(n))) n++;
      const target = this.claimPath(n);
      try {
        renameSync(source, target);
        claimed.push(new DlqSpillFile(target));
      } catch (error) {
        // Gone: nothing spilled, or another starting process claimed it first.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return claimed;
  }

  private claimPath(n: number): string {
    return `${this.path}${CLAIM}${process.pid}-${PROCESS_TAG}-${n}`;
  }

  /**
   * Claims whose process is gone: its pid is not running, or it is this process's pid but not
   * this start's tag (the last start of a container, where node is PID 1 each time).
   */
  private orphanedClaims(): string[] {
    const directory = dirname(this.path);
    const prefix = `${basename(this.path)}${CLAIM}`;
    if (!existsSync(directory)) return [];
    return readdirSync(directory)
      .filter((name) => name.startsWith(prefix))
      .filter((name) => isOrphaned(name.slice(prefix.length)))
      .map((name) => join(directory, name));
  }
}

/** The line of a spilled entry: its JSON, with its marks as keys of their own. */
export function spillLine({ entry, mayHaveLanded, storedBefore }: SpilledEntry): string {
  return JSON.stringify({
    ...entry,
    ...(mayHaveLanded ? { [MAY_HAVE_LANDED]: true } : {}),
    ...(storedBefore ? { [STORED_BEFORE]: true } : {}),
  });
}

/**
 * The entry of a line: a JSON object with an entry's id, operation, client id, dates (an expiry
 * that is not a date would leave a Redis entry half-indexed, and never swept) and attempts (what
 * its log lines count: without them the import failed, and so did every start after).
 */
function heldOf(line: string): SpilledEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const {
    [MAY_HAVE_LANDED]: mayHaveLanded,
    [STORED_BEFORE]: storedBefore,
    ...entry
  } = parsed as FailedOperation & Record<typeof MAY_HAVE_LANDED | typeof STORED_BEFORE, unknown>;
  const { id, operation, clientId, expiresAt, failedAt, attempts } =
    entry as Partial<FailedOperation>;
  const dated = [expiresAt, failedAt].every((date) => Number.isFinite(dateMs(date)));
  const named = typeof operation === 'string' && typeof clientId === 'string';
  if (!isDlqId(id) || !named || !dated || !Array.isArray(attempts)) return undefined;
  return {
    entry,
    mayHaveLanded: mayHaveLanded === true,
    ...(storedBefore === true ? { storedBefore: true } : {}),
  };
}

/** `<pid>-<tag>-<n>`, or `<pid>-<n>` as earlier versions named claims (never this start's). */
function isOrphaned(claim: string): boolean {
  const [pidText, tag] = claim.split('-');
  const pid = Number.parseInt(pidText, 10);
  if (pid === process.pid) return tag !== PROCESS_TAG;
  return !isAlive(pid);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
