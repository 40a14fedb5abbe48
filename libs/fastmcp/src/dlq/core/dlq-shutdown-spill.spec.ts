import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FastMcpEvents } from '../../events/fastmcp-events.service.js';
import { DlqEntryBuilder } from './dlq-entry.builder.js';
import { DlqIdGenerator } from './dlq-id.js';
import { importedEntry } from './dlq-import.js';
import { DlqNotifier } from './dlq-notifier.js';
import { DlqShutdownSpill } from './dlq-shutdown-spill.js';
import { DlqSpillFile } from './dlq-spill-file.js';
import { DlqWriteBuffer } from './dlq-write-buffer.js';
import type { FailedOperation } from './failed-operation.interface.js';

const ids = new DlqIdGenerator();
const noop = (): void => undefined;
const entry = (): FailedOperation =>
  ({
    id: ids.next(Date.now()),
    operation: 'call_tool',
    clientId: 'github',
    toolName: 'create_issue',
    errorClass: 'http_503',
    attempts: [],
    failedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  }) as unknown as FailedOperation;

const held = (e: FailedOperation, mayHaveLanded = false) => ({ entry: e, mayHaveLanded });
const builder = new DlqEntryBuilder({
  ttlMs: 3_600_000,
  maxArgumentBytes: 4096,
  secretHeaders: [],
});
const rebuild = (e: FailedOperation) => importedEntry(e, builder, Date.now());

/** A pid no process has: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid ?? 0;
}

describe('DlqShutdownSpill import', () => {
  let dir: string;
  let path: string;
  let written: string[];
  let buffer: DlqWriteBuffer;
  const spill = (write: (e: FailedOperation, mayHaveLanded: boolean) => Promise<unknown>) =>
    new DlqShutdownSpill(path, buffer, new DlqNotifier(new FastMcpEvents()), write, rebuild);
  const stored = (e: FailedOperation) => {
    written.push(e.id);
    return Promise.resolve();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dlq-spill-unit-'));
    path = join(dir, 'spill.jsonl');
    written = [];
    buffer = new DlqWriteBuffer(1, {
      write: stored,
      mayHaveLanded: () => true,
      retryable: () => true,
      flushed: noop,
      lost: noop,
    });
  });
  afterEach(async () => {
    await buffer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what another process spills while this one imports: the import took its own claim', async () => {
    const earlier = entry();
    new DlqSpillFile(path).save([held(earlier)]);
    let release: () => void = noop;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const importing = spill(async (e) => {
      await gate;
      return stored(e);
    }).importFile();
    // Another process shuts down now, with the store down, and spills to the same path.
    const meanwhile = entry();
    new DlqSpillFile(path).save([held(meanwhile)]);
    release();
    await importing;
    expect(written).toEqual([earlier.id]);
    expect(new DlqSpillFile(path).read()).toEqual([held(meanwhile)]);
    expect(readdirSync(dir)).toEqual(['spill.jsonl']);
  });

  it('appends: two spills to one path keep both', () => {
    const [a, b] = [entry(), entry()];
    new DlqSpillFile(path).save([held(a)]);
    new DlqSpillFile(path).save([held(b)]);
    expect(new DlqSpillFile(path).read()).toEqual([held(a), held(b)]);
  });

  it('imports the claim of a process that died while importing, and leaves a live one alone', async () => {
    const [orphaned, live] = [entry(), entry()];
    new DlqSpillFile(`${path}.importing-${deadPid()}-0`).save([held(orphaned)]);
    const liveClaim = `${path}.importing-${process.ppid}-0`;
    new DlqSpillFile(liveClaim).save([held(live)]);
    await spill(stored).importFile();
    expect(written).toEqual([orphaned.id]);
    expect(readdirSync(dir)).toEqual([`spill.jsonl.importing-${process.ppid}-0`]);
    expect(existsSync(liveClaim)).toBe(true);
  });

  it("imports a claim named with this process's pid by another start (PID 1 in a container)", async () => {
    const [legacy, earlier, spilled] = [entry(), entry(), entry()];
    new DlqSpillFile(`${path}.importing-${process.pid}-0`).save([held(legacy)]);
    new DlqSpillFile(`${path}.importing-${process.pid}-0a1b2c3d4e5f-0`).save([held(earlier)]);
    new DlqSpillFile(path).save([held(spilled)]);
    await spill(stored).importFile();
    expect(written.sort()).toEqual([legacy.id, earlier.id, spilled.id].sort());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps, through the file, which entries had a write that may have landed', async () => {
    const [unsent, maybe] = [entry(), entry()];
    new DlqSpillFile(path).save([held(unsent), held(maybe, true)]);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as FailedOperation).id)).toEqual([
      unsent.id,
      maybe.id,
    ]);
    const flags: boolean[] = [];
    await spill((e, mayHaveLanded) => {
      flags.push(mayHaveLanded);
      return stored(e);
    }).importFile();
    expect(written).toEqual([unsent.id, maybe.id]);
    expect(flags).toEqual([false, true]);
  });

  it('saves back what neither the store nor the full buffer takes, for the next start', async () => {
    const entries = [entry(), entry(), entry()];
    new DlqSpillFile(path).save(entries.map((e) => held(e)));
    await spill(() => Promise.reject(new Error('store down'))).importFile();
    // The buffer (capacity 1) holds the first; the other two stay on disk.
    expect(buffer.size).toBe(1);
    const savedBack = new DlqSpillFile(path).read();
    expect(savedBack.map(({ entry }) => entry.id)).toEqual(entries.slice(1).map((e) => e.id));
  });

  it('keeps the lines that hold no entry in <file>.rejected, never drops them', async () => {
    const good = entry();
    new DlqSpillFile(path).save([held(good)]);
    const undated: Partial<FailedOperation> = entry();
    delete undated.expiresAt;
    const noAttempts: Partial<FailedOperation> = entry();
    delete noAttempts.attempts;
    const bad = [
      // An entry that lost its expiry: Redis would keep it half-indexed and never sweep it.
      JSON.stringify(undated),
      // One without attempts failed the import, and so every start after it.
      JSON.stringify(noAttempts),
      '{"id":"torn',
      'null',
      '"text"',
      '{}',
      '[1]',
      '{"id":"x","operation":"call_tool"}',
    ];
    appendFileSync(path, bad.map((line) => `${line}\n`).join(''));
    await spill(stored).importFile();
    expect(written).toEqual([good.id]);
    expect(readFileSync(`${path}.rejected`, 'utf8')).toBe(bad.map((line) => `${line}\n`).join(''));
    expect(existsSync(path)).toBe(false);
    // The next start imports nothing more, and leaves the rejected lines where they are.
    await spill(stored).importFile();
    expect(written).toEqual([good.id]);
    expect(readFileSync(`${path}.rejected`, 'utf8').split('\n')).toHaveLength(bad.length + 1);
  });

  it('refuses, into <file>.rejected, a line edited into an entry an import would refuse', async () => {
    const good = entry();
    const edited = [
      { ...entry(), priority: 'urgent' },
      { ...entry(), redriveCount: -1_000_000 },
      { ...entry(), clientId: '' },
      { ...entry(), toolName: undefined },
    ];
    new DlqSpillFile(path).save([good, ...edited].map((e) => held(e as FailedOperation)));
    const errors: string[] = [];
    const notifier = new DlqNotifier(new FastMcpEvents());
    notifier.logger.error = (message: unknown) => void errors.push(String(message));
    const stored: FailedOperation[] = [];
    await new DlqShutdownSpill(
      path,
      buffer,
      notifier,
      (e) => Promise.resolve(void stored.push(e)),
      rebuild,
    ).importFile();
    expect(stored.map((e) => e.id)).toEqual([good.id]);
    expect(stored[0]).toMatchObject({ priority: 'normal', status: 'dead' });
    const rejected = readFileSync(`${path}.rejected`, 'utf8').trim().split('\n');
    expect(rejected.map((line) => (JSON.parse(line) as FailedOperation).id)).toEqual(
      edited.map((e) => e.id),
    );
    expect(errors).toEqual([
      expect.stringMatching(/4 lines of the spill file .* an import refuses \(.*priority.*\)/),
    ]);
    expect(existsSync(path)).toBe(false);
  });
});
