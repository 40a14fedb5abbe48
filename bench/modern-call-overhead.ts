/**
 * Call overhead against a 2026-07-28 server: callToolWithRetry (era negotiated: `auto`) next to
 * the official v2 client (`@modelcontextprotocol/client` 2.4.0, `versionNegotiation: auto`),
 * calling `echo` on a modern-only `@modelcontextprotocol/server` 2.4.0 in a child process. Same
 * shape as the 2025 rows: sequential and at concurrency 16, clients taking turns in each round.
 */
import {
  type CallOverheadOptions,
  type CallOverheadResult,
  compareClients,
  DEFAULT_CALL_OVERHEAD,
} from './call-overhead.js';
import { fastMcpClient, sdkV2Client } from './support/bench-clients.js';
import { startDemoServerProcess } from './support/demo-server-process.js';
import type { Row } from './support/table.js';

const SECTION = 'Call overhead, 2026-07-28 server';
const CHILD = 'bench/support/modern-server.child.ts';
/** The row names: fastMcpClient's own, and the one given to the v2 client. */
const OURS = 'fastmcp callToolWithRetry';
const V2 = 'v2 SDK Client';

export async function runModernCallOverhead(
  options: CallOverheadOptions = DEFAULT_CALL_OVERHEAD,
): Promise<CallOverheadResult> {
  const server = await startDemoServerProcess(CHILD);
  const clients = [
    await fastMcpClient(server.url, { clientId: 'modern' }),
    await sdkV2Client(server.url, { name: V2, options: { versionNegotiation: { mode: 'auto' } } }),
  ];
  try {
    return await compareClients(clients, options);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
}

/** The table rows, next to the 2025-era "Call overhead" sections. */
export function modernCallRows(result: CallOverheadResult): Row[] {
  const rows: Row[] = [];
  for (const [mode, comparison] of [
    ['sequential', result.sequential],
    [`concurrency ${DEFAULT_CALL_OVERHEAD.concurrency}`, result.concurrent],
  ] as const) {
    for (const name of [OURS, V2]) {
      const f = comparison.clients[name];
      const figure = `${mode}, ${name}`;
      rows.push({
        section: SECTION,
        figure: `${figure}: calls/s`,
        summary: f.callsPerSec,
        unit: '/s',
      });
      rows.push({ section: SECTION, figure: `${figure}: p50`, summary: f.p50Ms, unit: 'ms' });
      rows.push({ section: SECTION, figure: `${figure}: p99`, summary: f.p99Ms, unit: 'ms' });
    }
    rows.push({
      section: SECTION,
      figure: `${mode}: throughput ratio fastmcp / v2 SDK`,
      summary: comparison.ratios[V2],
      unit: 'x',
      note: 'same modern server; the 2025 rows above use the v1 SDK server',
    });
  }
  return rows;
}

/** `node --expose-gc bench/run-ts.mjs bench/modern-call-overhead.ts`: this section alone. */
export async function main(): Promise<number> {
  const result = await runModernCallOverhead({ ...DEFAULT_CALL_OVERHEAD, calls: 500, rounds: 1 });
  for (const row of modernCallRows(result)) {
    console.log(`${row.figure}: ${row.summary.median.toFixed(2)} ${row.unit}`);
  }
  return 0;
}
