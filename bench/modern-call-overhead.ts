/**
 * Call overhead against a 2026-07-28 server: callToolWithRetry (era negotiated: `auto`) next to
 * the official v2 client (`@modelcontextprotocol/client` 2.4.0, `versionNegotiation: auto`),
 * calling `echo` on a modern-only `@modelcontextprotocol/server` 2.4.0 in a child process. Same
 * shape as the 2025 rows: sequential and at concurrency 16, clients taking turns in each round.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type CallOverheadOptions, DEFAULT_CALL_OVERHEAD, load } from './call-overhead.js';
import { type BenchClient, fastMcpClient } from './support/bench-clients.js';
import { startDemoServerProcess } from './support/demo-server-process.js';
import { type RoundSummary, rounds } from './support/stats.js';
import type { Row } from './support/table.js';

const SECTION = 'Call overhead, 2026-07-28 server';
const CHILD = 'bench/support/modern-server.child.ts';

type Figures = Record<'ours' | 'v2', Record<'callsPerSec' | 'p50Ms' | 'p99Ms', RoundSummary>> & {
  ratioVsV2: RoundSummary;
};
export type ModernCallOverheadResult = Record<'sequential' | 'concurrent', Figures>;

async function v2Client(url: string): Promise<BenchClient> {
  const client = new Client(
    { name: 'bench-v2', version: '2.4.0' },
    { versionNegotiation: { mode: 'auto' } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return {
    name: 'v2 SDK Client',
    call: (text) => client.callTool({ name: 'echo', arguments: { text } }),
    close: () => client.close(),
  };
}

export async function runModernCallOverhead(
  options: CallOverheadOptions = DEFAULT_CALL_OVERHEAD,
): Promise<ModernCallOverheadResult> {
  const server = await startDemoServerProcess(CHILD);
  const clients = {
    ours: await fastMcpClient(server.url, 'modern'),
    v2: await v2Client(server.url),
  };
  try {
    for (const client of Object.values(clients)) {
      await load(client, options.warmupCalls, 1);
      await load(client, options.warmupCalls, options.concurrency);
    }
    return {
      sequential: await compare(clients, options, 1),
      concurrent: await compare(clients, options, options.concurrency),
    };
  } finally {
    await Promise.all(Object.values(clients).map((c) => c.close()));
    await server.close();
  }
}

async function compare(
  clients: Record<'ours' | 'v2', BenchClient>,
  options: CallOverheadOptions,
  concurrency: number,
): Promise<Figures> {
  const order = ['ours', 'v2'] as const;
  const r = await rounds(options.rounds, async (round) => {
    const out: Record<string, number> = {};
    for (let k = 0; k < order.length; k += 1) {
      const key = order[(k + round) % order.length];
      const result = await load(clients[key], options.calls, concurrency);
      out[`${key}CallsPerSec`] = result.callsPerSec;
      out[`${key}P50Ms`] = result.p50Ms;
      out[`${key}P99Ms`] = result.p99Ms;
    }
    out.ratioVsV2 = out.oursCallsPerSec / out.v2CallsPerSec;
    return out;
  });
  const of = (key: 'ours' | 'v2') => ({
    callsPerSec: r[`${key}CallsPerSec`],
    p50Ms: r[`${key}P50Ms`],
    p99Ms: r[`${key}P99Ms`],
  });
  return { ours: of('ours'), v2: of('v2'), ratioVsV2: r.ratioVsV2 };
}

/** The table rows, next to the 2025-era "Call overhead" sections. */
export function modernCallRows(result: ModernCallOverheadResult): Row[] {
  const rows: Row[] = [];
  const names = { ours: 'fastmcp callToolWithRetry', v2: 'v2 SDK Client' } as const;
  for (const [mode, figures] of [
    ['sequential', result.sequential],
    [`concurrency ${DEFAULT_CALL_OVERHEAD.concurrency}`, result.concurrent],
  ] as const) {
    for (const key of ['ours', 'v2'] as const) {
      const f = figures[key];
      const figure = `${mode}, ${names[key]}`;
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
      summary: figures.ratioVsV2,
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
