import type * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DlqSpillFile } from './dlq-spill-file.js';
import type { FailedOperation } from './failed-operation.interface.js';

// The injected fault: a start's claim renames the file right after a spill opened it.
const claimAfterOpen = vi.hoisted(() => ({ times: 0, path: '' }));
vi.mock('node:fs', async (original) => {
  const real = await original<typeof fs>();
  return {
    ...real,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      const fd = real.openSync(...args);
      if (args[0] === claimAfterOpen.path && claimAfterOpen.times > 0) {
        claimAfterOpen.times--;
        real.renameSync(
          claimAfterOpen.path,
          `${claimAfterOpen.path}.claimed-${claimAfterOpen.times}`,
        );
      }
      return fd;
    },
  };
});

const entry = {
  id: '01M94AJWQV0BFX35N35D8HTFCK',
  operation: 'call_tool',
  clientId: 'github',
  attempts: [],
  failedAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
} as unknown as FailedOperation;

describe('DlqSpillFile.save', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fastmcp-spill-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends again until its lines are at the path, however many claims took the file', () => {
    const file = new DlqSpillFile(join(dir, 'spill.jsonl'));
    claimAfterOpen.path = file.path;
    claimAfterOpen.times = 5;

    file.save([{ entry, mayHaveLanded: false }]);

    expect(claimAfterOpen.times).toBe(0);
    expect(file.read().map((held) => held.entry.id)).toEqual([entry.id]);
    expect(readFileSync(file.path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });
});
