/**
 * Call overhead: callToolWithRetry against the official clients (SDK 1.x, v2, @ai-sdk/mcp) and
 * raw HTTP (axios; axios over a minimal undici adapter; node:http keep-alive), calling `echo` on the same stateful SDK server (a child
 * process), 2,000 calls sequential and at concurrency 16. The clients take turns within each
 * round (rotated order), so drift hits them alike.
 */
import {
  aiSdkClient,
  type BenchClient,
  fastMcpClient,
  rawAxiosClient,
  rawAxiosMinimalUndiciClient,
  rawNodeHttpClient,
  sdkClient,
  sdkV2Client,
} from './support/bench-clients.js';
import { watchGcPauses } from './support/gc-pauses.js';
import { percentile, type RoundSummary, rounds } from './support/stats.js';

export interface CallOverheadOptions {
  calls: number;
  concurrency: number;
  warmupCalls: number;
  rounds: number;
}

export const DEFAULT_CALL_OVERHEAD: CallOverheadOptions = {
  calls: 2000,
  concurrency: 16,
  // Every client's CPU a call keeps falling for its first 2,500-3,000 calls (the JIT): after
  // 400 the first round still measured ours at 750-880 us against 420-500 us in the next ones.
  warmupCalls: 2000,
  rounds: 5,
};

export interface LoadResult {
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this process per call (the server runs in its own): steadier than calls/s on a shared machine. */
  cpuUsPerCall: number;
  /** The collector's pauses per call, part of the CPU time above. */
  gcUsPerCall: number;
}

/** Per client its figures; per other client the throughput ratio of the first (ours) to it. */
export interface CallComparison {
  clients: Record<string, Record<keyof LoadResult, RoundSummary>>;
  ratios: Record<string, RoundSummary>;
}

export type CallOverheadResult = Record<'sequential' | 'concurrent', CallComparison>;

/** `calls` calls of `client`, `concurrency` at a time; throughput and latency percentiles. */
export async function load(
  client: BenchClient,
  calls: number,
  concurrency: number,
): Promise<LoadResult> {
  const latencies = new Float64Array(calls);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls) {
      const i = next++;
      const start = performance.now();
      await client.call(`call ${i}`);
      latencies[i] = performance.now() - start;
    }
  };
  const start = performance.now();
  const cpu = process.cpuUsage();
  const gc = watchGcPauses();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const gcMs = gc.stop();
  const used = process.cpuUsage(cpu);
  const elapsed = performance.now() - start;
  const all = Array.from(latencies);
  return {
    callsPerSec: (calls / elapsed) * 1000,
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    cpuUsPerCall: (used.user + used.system) / calls,
    gcUsPerCall: (gcMs * 1000) / calls,
  };
}

/** The clients compared, ours first. */
async function startClients(url: string): Promise<BenchClient[]> {
  return [
    await fastMcpClient(url),
    await fastMcpClient(url, { clientId: 'bench-untraced', tracing: false }),
    await sdkClient(url),
    await sdkV2Client(url),
    await aiSdkClient(url),
    await rawAxiosClient(url),
    await rawAxiosMinimalUndiciClient(url),
    await rawNodeHttpClient(url),
  ];
}

export async function runCallOverhead(
  url: string,
  options: CallOverheadOptions = DEFAULT_CALL_OVERHEAD,
): Promise<CallOverheadResult> {
  const clients = await startClients(url);
  try {
    return await compareClients(clients, options);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Warms every client up, then compares them sequentially and at `options.concurrency`. */
export async function compareClients(
  clients: BenchClient[],
  options: CallOverheadOptions,
): Promise<CallOverheadResult> {
  for (const client of clients) {
    await load(client, options.warmupCalls, 1);
    await load(client, options.warmupCalls, options.concurrency);
  }
  return {
    sequential: await compare(clients, options, 1),
    concurrent: await compare(clients, options, options.concurrency),
  };
}

async function compare(
  clients: BenchClient[],
  options: CallOverheadOptions,
  concurrency: number,
): Promise<CallComparison> {
  const names = clients.map((c) => c.name);
  const ours = names[0];
  const perClient = await rounds(options.rounds, async (round) => {
    const out: Record<string, number> = {};
    for (let k = 0; k < clients.length; k += 1) {
      const client = clients[(k + round) % clients.length];
      const result = await load(client, options.calls, concurrency);
      out[`${client.name}|callsPerSec`] = result.callsPerSec;
      out[`${client.name}|p50Ms`] = result.p50Ms;
      out[`${client.name}|p99Ms`] = result.p99Ms;
      out[`${client.name}|cpuUsPerCall`] = result.cpuUsPerCall;
      out[`${client.name}|gcUsPerCall`] = result.gcUsPerCall;
    }
    for (const name of names.slice(1)) {
      out[`ratio|${name}`] = out[`${ours}|callsPerSec`] / out[`${name}|callsPerSec`];
    }
    return out;
  });
  const result: CallComparison = { clients: {}, ratios: {} };
  for (const name of names) {
    result.clients[name] = {
      callsPerSec: perClient[`${name}|callsPerSec`],
      p50Ms: perClient[`${name}|p50Ms`],
      p99Ms: perClient[`${name}|p99Ms`],
      cpuUsPerCall: perClient[`${name}|cpuUsPerCall`],
      gcUsPerCall: perClient[`${name}|gcUsPerCall`],
    };
    if (name !== ours) result.ratios[name] = perClient[`ratio|${name}`];
  }
  return result;
}
