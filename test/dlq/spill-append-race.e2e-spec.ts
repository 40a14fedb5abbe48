// Shutdowns of several instances append to one spill path while another instance starts and
// claims it. An append opens the file, then writes: a claim made in between took the lines into
// a file the start had already read, and then removed (32 to 55 of 40,000 lost in an audit).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = 'test/support/dlq/spill-race-child.ts';

function run(args: string[]): Promise<unknown> {
  const child = spawn(process.execPath, ['bench/run-ts.mjs', CHILD, ...args], { stdio: 'inherit' });
  return once(child, 'exit');
}

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

describe('spills appended to a shared path while a start claims it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fastmcp-spill-race-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are each read by an import: none is removed unread with a claim', async () => {
    const path = join(dir, 'spill.jsonl');
    const out = (name: string) => join(dir, `${name}.ids`);
    await Promise.all([
      run(['write', path, '15000', out('w0')]),
      run(['write', path, '15000', out('w1')]),
      run(['import', path, '12000', out('read')]),
    ]);
    const written = [...lines(out('w0')), ...lines(out('w1'))];
    const read = new Set(lines(out('read')));
    const left = new Set(lines(path).map((line) => (JSON.parse(line) as { id: string }).id));

    expect(written).toHaveLength(30_000);
    expect(written.filter((id) => !read.has(id) && !left.has(id))).toEqual([]);
  }, 120_000);
});
