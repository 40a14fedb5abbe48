// A child of spill-append-race.e2e-spec.ts, run by bench/run-ts.mjs. `write <path> <n> <out>`:
// n spills of one entry each to the shared path, as shutdowns of other instances make them, each
// id noted in <out> once saved. `import <path> <ms> <out>`: claims and reads the path in a loop
// for ms, as starts do (contents once, then remove), noting each id read in <out>.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DlqIdGenerator } from '../../../libs/fastmcp/src/dlq/core/dlq-id.js';
import { DlqSpillFile } from '../../../libs/fastmcp/src/dlq/core/dlq-spill-file.js';
import type { FailedOperation } from '../../../libs/fastmcp/src/dlq/core/failed-operation.interface.js';

export async function main([mode, path, count, out]: string[]): Promise<number> {
  const file = new DlqSpillFile(path);
  if (mode === 'write') {
    const ids = new DlqIdGenerator();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    for (let i = 0; i < Number(count); i++) {
      const id = ids.next(Date.now());
      const entry = { id, operation: 'call_tool', clientId: 'c', attempts: [] };
      const dated = { ...entry, failedAt: new Date().toISOString(), expiresAt };
      file.save([{ entry: dated as unknown as FailedOperation, mayHaveLanded: false }]);
      appendFileSync(out, `${id}\n`);
    }
    return 0;
  }
  const importOnce = () => {
    for (const claimed of file.claim()) {
      const ids = claimed.read().map((held) => held.entry.id);
      if (ids.length > 0) appendFileSync(out, `${ids.join('\n')}\n`);
      claimed.remove();
    }
  };
  const end = Date.now() + Number(count);
  while (Date.now() < end) importOnce();
  await sleep(300);
  importOnce();
  return 0;
}
