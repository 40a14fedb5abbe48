/**
 * `npm run bench`: every comparison in one run, against the same server, after warm-up; the
 * median of the rounds and their spread, printed as a table and written to bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { GO_SEED_NS_PER_OP, runBackoff } from './backoff.js';
import { type CallComparison, DEFAULT_CALL_OVERHEAD, runCallOverhead } from './call-overhead.js';
import { type DlqStoreFigures, measureDlqStore } from './dlq-store.js';
import { modernCallRows, runModernCallOverhead } from './modern-call-overhead.js';
import { runMetricsCost } from './metrics-cost.js';
import {
  DEFAULT_PIPELINE_COST,
  type PipelineCostResult,
  runPipelineCost,
} from './pipeline-cost.js';
import { runSessionMemory } from './session-memory.js';
import { startDemoServerProcess } from './support/demo-server-process.js';
import { type RoundSummary, rounds, summarize } from './support/stats.js';
import { renderTable, type Row } from './support/table.js';

const RESULTS = new URL('./results.json', import.meta.url);
const TARGET_VS_SDK = 1.5;
const TARGET_VS_RAW_NODE = 0.8;
const DLQ_ENTRIES = 100_000;
const DLQ_SAMPLES = 2_000;
const DLQ_ROUNDS = 3;

/** The SDK client's undici requests pile abort listeners on one signal; Node warns at 1,500. */
function quietSdkListenerWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'MaxListenersExceededWarning') console.warn(warning);
  });
}

function machine(): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const RAW_NODE = 'raw node:http keep-alive';
const RAW_AXIOS = 'raw HTTP (axios)';
const UNTRACED = 'fastmcp, tracing: false';
const SDK_CLIENTS = ['SDK 1.x Client', 'SDK v2 Client', 'AI SDK MCP client'];

/** The target of each ratio ours / baseline, as a note; `concurrent` for the c16 run. */
function ratioNote(baseline: string, ratio: RoundSummary, concurrent: boolean): string {
  const met = (target: number): string =>
    `target >= ${target}x: ${ratio.median >= target ? 'met' : 'MISSED'}`;
  if (baseline === RAW_NODE) return met(TARGET_VS_RAW_NODE);
  if (SDK_CLIENTS.includes(baseline)) return met(TARGET_VS_SDK);
  if (baseline === RAW_AXIOS && concurrent) return met(1);
  if (baseline === UNTRACED) {
    const noise = Math.max(ratio.spread, 0.03);
    return `tracing on, no provider, vs off: ${Math.abs(1 - ratio.median) <= noise ? 'within noise' : 'OUTSIDE noise'} (+/-${(noise * 100).toFixed(0)} %)`;
  }
  return '';
}

function callRows(mode: string, result: CallComparison, concurrent: boolean): Row[] {
  const section = `Call overhead, ${mode}`;
  const rows: Row[] = [];
  for (const [name, figures] of Object.entries(result.clients)) {
    rows.push({ section, figure: `${name}: calls/s`, summary: figures.callsPerSec, unit: '/s' });
    rows.push({ section, figure: `${name}: p50`, summary: figures.p50Ms, unit: 'ms' });
    rows.push({ section, figure: `${name}: p99`, summary: figures.p99Ms, unit: 'ms' });
    rows.push({
      section,
      figure: `${name}: CPU per call`,
      summary: figures.cpuUsPerCall,
      unit: 'us',
    });
  }
  const ours = Object.keys(result.clients)[0];
  for (const [baseline, ratio] of Object.entries(result.ratios)) {
    rows.push({
      section,
      figure: `throughput ratio fastmcp / ${baseline}`,
      summary: ratio,
      unit: 'x',
      note: ratioNote(baseline, ratio, concurrent),
    });
  }
  const axios = result.clients[RAW_AXIOS];
  if (concurrent && axios) {
    const p99 = result.clients[ours].p99Ms.median;
    rows.push({
      section,
      figure: `p99 fastmcp / ${RAW_AXIOS}`,
      summary: summarize(
        result.clients[ours].p99Ms.rounds.map((v, i) => v / axios.p99Ms.rounds[i]),
      ),
      unit: 'x',
      note: `target <= 1x: ${p99 <= axios.p99Ms.median ? 'met' : 'MISSED'}`,
    });
  }
  return rows;
}

function pipelineRows(result: PipelineCostResult): Row[] {
  const section = 'Resilience pipeline';
  const policies = 'breaker, retry budget, rate limit (never throttling)';
  const rows: Row[] = [];
  for (const [mode, figures] of [
    ['sequential', result.sequential],
    [`concurrency ${DEFAULT_PIPELINE_COST.concurrency}`, result.concurrent],
  ] as const) {
    rows.push(
      {
        section,
        figure: `${mode}: every policy off, calls/s`,
        summary: figures.offCallsPerSec,
        unit: '/s',
      },
      {
        section,
        figure: `${mode}: every policy on, calls/s`,
        summary: figures.onCallsPerSec,
        unit: '/s',
        note: policies,
      },
      { section, figure: `${mode}: throughput ratio on / off`, summary: figures.ratio, unit: 'x' },
    );
  }
  rows.push(
    {
      section,
      figure: 'one attempt, pipeline only: off',
      summary: result.attempt.offNs,
      unit: 'ns/op',
      note: 'admit, success, release; no network',
    },
    {
      section,
      figure: 'one attempt, pipeline only: on',
      summary: result.attempt.onNs,
      unit: 'ns/op',
    },
    {
      section,
      figure: 'cost of the policies per attempt (on - off)',
      summary: result.attempt.costNs,
      unit: 'ns/op',
    },
  );
  return rows;
}

export async function main(): Promise<number> {
  quietSdkListenerWarnings();
  const started = performance.now();
  const log = (step: string): void =>
    console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${step}`);
  const server = await startDemoServerProcess();
  const results: Record<string, unknown> = {
    machine: machine(),
    startedAt: new Date().toISOString(),
  };
  const rows: Row[] = [];
  try {
    log(
      `call overhead (${DEFAULT_CALL_OVERHEAD.calls} calls x ${DEFAULT_CALL_OVERHEAD.rounds} rounds)`,
    );
    const calls = await runCallOverhead(server.url);
    results.callOverhead = calls;
    rows.push(...callRows('sequential', calls.sequential, false));
    rows.push(
      ...callRows(`concurrency ${DEFAULT_CALL_OVERHEAD.concurrency}`, calls.concurrent, true),
    );

    log(
      `resilience pipeline on vs off (${DEFAULT_PIPELINE_COST.calls} calls x ${DEFAULT_PIPELINE_COST.rounds} rounds)`,
    );
    const pipeline = await runPipelineCost(server.url);
    results.pipelineCost = pipeline;
    rows.push(...pipelineRows(pipeline));

    log('heap per session (1,000 sessions)');
    const memory = await runSessionMemory(server.url, () => server.dropSessions());
    results.sessionMemory = memory;
    const kb = (s: typeof memory.sdkBytesPerSession) => ({
      ...s,
      median: s.median / 1024,
      min: s.min / 1024,
      max: s.max / 1024,
      rounds: s.rounds.map((r) => r / 1024),
    });
    rows.push({
      section: 'Memory',
      figure: 'fastmcp heap per session',
      summary: kb(memory.fastMcpBytesPerSession),
      unit: 'KiB',
    });
    rows.push({
      section: 'Memory',
      figure: 'SDK Client heap per session',
      summary: kb(memory.sdkBytesPerSession),
      unit: 'KiB',
      note: 'one Client + transport per session',
    });
  } finally {
    await server.close();
  }

  log('call overhead against a 2026-07-28 server (fastmcp and the v2 SDK client)');
  const modernCalls = await runModernCallOverhead();
  results.modernCallOverhead = modernCalls;
  rows.push(...modernCallRows(modernCalls));

  log('backoff');
  const backoff = await runBackoff();
  results.backoff = { ...backoff, goSeedNsPerOp: GO_SEED_NS_PER_OP };
  rows.push({
    section: 'Backoff',
    figure: 'calculateBackoffWithJitter',
    summary: backoff.nsPerOp,
    unit: 'ns/op',
    note: `seed's Go figure: ${GO_SEED_NS_PER_OP} ns/op`,
  });

  log('metrics on vs off');
  const metrics = await runMetricsCost();
  results.metrics = metrics;
  rows.push({
    section: 'Metrics',
    figure: 'operation, metrics off',
    summary: metrics.offNsPerOp,
    unit: 'ns/op',
  });
  rows.push({
    section: 'Metrics',
    figure: 'operation, metrics on',
    summary: metrics.onNsPerOp,
    unit: 'ns/op',
  });
  rows.push({
    section: 'Metrics',
    figure: 'operation, metrics on + client_id',
    summary: metrics.onClientIdNsPerOp,
    unit: 'ns/op',
  });
  rows.push({
    section: 'Metrics',
    figure: 'cost of metrics (on - off)',
    summary: metrics.costNsPerOp,
    unit: 'ns/op',
  });

  log(`DLQ on Redis (${DLQ_ENTRIES} entries x ${DLQ_ROUNDS} rounds)`);
  const dlq = await rounds(DLQ_ROUNDS, async () => {
    const figures: Partial<DlqStoreFigures> = await measureDlqStore(DLQ_ENTRIES, DLQ_SAMPLES);
    delete figures.entryBytes;
    return figures as Omit<DlqStoreFigures, 'entryBytes'>;
  });
  results.dlq = dlq;
  const d = 'DLQ (Redis)';
  const plain = 'plain ioredis SET+ZADD, same JSON, same connection';
  rows.push({ section: d, figure: 'store() p50', summary: dlq.storeP50Ms, unit: 'ms' });
  rows.push({ section: d, figure: 'store() p99', summary: dlq.storeP99Ms, unit: 'ms' });
  rows.push({
    section: d,
    figure: 'plain write p50',
    summary: dlq.plainP50Ms,
    unit: 'ms',
    note: plain,
  });
  rows.push({
    section: d,
    figure: 'plain write p99',
    summary: dlq.plainP99Ms,
    unit: 'ms',
    note: plain,
  });
  rows.push({
    section: d,
    figure: 'store() throughput, 64 in flight',
    summary: dlq.storePerSec,
    unit: '/s',
  });
  rows.push({
    section: d,
    figure: 'plain write throughput, 64 in flight',
    summary: dlq.plainPerSec,
    unit: '/s',
    note: plain,
  });
  rows.push({
    section: d,
    figure: 'list() page of 100 @100k, p50',
    summary: dlq.listFirstPageP50Ms,
    unit: 'ms',
  });
  rows.push({
    section: d,
    figure: 'list() page of 100 at 50 % depth, p50',
    summary: dlq.listDeepPageP50Ms,
    unit: 'ms',
  });
  rows.push({
    section: d,
    figure: 'getByClientId() page of 100 @100k, p50',
    summary: dlq.clientPageP50Ms,
    unit: 'ms',
    note: '50 client ids',
  });
  rows.push({ section: d, figure: 'getStats() @100k, p50', summary: dlq.statsP50Ms, unit: 'ms' });
  rows.push({ section: d, figure: 'cleanup() of 100k', summary: dlq.cleanupMs, unit: 'ms' });

  const table = renderTable(rows);
  results.table = table;
  results.durationSeconds = (performance.now() - started) / 1000;
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const m = machine();
  console.log(`\nMachine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}`);
  console.log(`Rounds: median of 5 (3 for memory and the DLQ); spread = (max - min) / median.\n`);
  console.log(table);
  console.log(
    `\nWritten to bench/results.json in ${(results.durationSeconds as number).toFixed(0)} s.`,
  );
  return 0;
}
