/**
 * Cost of the per-server resilience pipeline, every policy on against every policy off, in the
 * same process: (1) callToolWithRetry calls of `echo` on the same server, two module instances
 * taking turns within each round; (2) one attempt through the pipeline alone (admit, success,
 * release), without the network. The rate limit's rate is far above what the calls reach, so it
 * never throttles: the figures are the bookkeeping, not waiting.
 */
import { FastMcpEvents, type ResilienceOptions, systemClock } from '@app/fastmcp';
import { resolveResilience } from '../libs/fastmcp/src/options/resilience-defaults.js';
import { POLICY_FACTORIES } from '../libs/fastmcp/src/pipeline/policy-registry.js';
import { ServerPipeline } from '../libs/fastmcp/src/pipeline/server-pipeline.js';
import { load } from './call-overhead.js';
import { type BenchClient, bootFastMcp } from './support/bench-clients.js';
import { type RoundSummary, rounds } from './support/stats.js';

export const PIPELINE_OFF: ResilienceOptions = {
  circuitBreaker: false,
  retryBudget: false,
  rateLimit: false,
};
export const PIPELINE_ON: ResilienceOptions = {
  circuitBreaker: {},
  retryBudget: {},
  rateLimit: { requestsPerSecond: 1_000_000, maxConcurrent: 10_000, maxQueue: 10_000 },
};

export interface PipelineCostOptions {
  calls: number;
  concurrency: number;
  warmupCalls: number;
  rounds: number;
  /** Attempts per round of the pipeline-only measure. */
  attempts: number;
}

export const DEFAULT_PIPELINE_COST: PipelineCostOptions = {
  calls: 2000,
  concurrency: 16,
  warmupCalls: 400,
  rounds: 5,
  attempts: 200_000,
};

export interface PipelineCostResult {
  sequential: { onCallsPerSec: RoundSummary; offCallsPerSec: RoundSummary; ratio: RoundSummary };
  concurrent: { onCallsPerSec: RoundSummary; offCallsPerSec: RoundSummary; ratio: RoundSummary };
  attempt: { onNs: RoundSummary; offNs: RoundSummary; costNs: RoundSummary };
}

async function pipelineClient(url: string, name: string, resilience: ResilienceOptions) {
  const { app, client } = await bootFastMcp({
    servers: { bench: { url } },
    resilience,
    metrics: {},
    dlq: {},
  });
  await client.connectWithRetry('bench');
  return {
    name,
    call: (text: string) => client.callToolWithRetry('bench', 'echo', { text }),
    close: () => app.close(),
  } satisfies BenchClient;
}

async function compare(
  on: BenchClient,
  off: BenchClient,
  options: PipelineCostOptions,
  concurrency: number,
): Promise<PipelineCostResult['sequential']> {
  return rounds(options.rounds, async (round) => {
    const order = round % 2 === 0 ? [on, off] : [off, on];
    const perSec: Record<string, number> = {};
    for (const client of order) {
      perSec[client.name] = (await load(client, options.calls, concurrency)).callsPerSec;
    }
    return {
      onCallsPerSec: perSec[on.name],
      offCallsPerSec: perSec[off.name],
      ratio: perSec[on.name] / perSec[off.name],
    };
  });
}

/** A pipeline built as ServerPipelines builds it, for `resilience` at module level. */
function pipelineOf(resilience: ResilienceOptions): ServerPipeline {
  const context = {
    server: 'bench',
    options: resolveResilience(resilience),
    clock: systemClock,
    events: new FastMcpEvents(),
  };
  return new ServerPipeline(
    POLICY_FACTORIES.map((factory) => factory(context)).filter((policy) => policy !== undefined),
  );
}

/** ns per attempt that is admitted, succeeds and is released. */
async function timeAttempts(pipeline: ServerPipeline, attempts: number): Promise<number> {
  const info = { server: 'bench', operation: 'call_tool' } as const;
  const start = process.hrtime.bigint();
  for (let i = 0; i < attempts; i += 1) {
    const release = await pipeline.admit(info);
    pipeline.succeeded(info);
    release();
  }
  return Number(process.hrtime.bigint() - start) / attempts;
}

export async function runPipelineCost(
  url: string,
  options: PipelineCostOptions = DEFAULT_PIPELINE_COST,
): Promise<PipelineCostResult> {
  const on = await pipelineClient(url, 'every policy on', PIPELINE_ON);
  const off = await pipelineClient(url, 'every policy off', PIPELINE_OFF);
  try {
    for (const client of [on, off]) {
      await load(client, options.warmupCalls, 1);
      await load(client, options.warmupCalls, options.concurrency);
    }
    const sequential = await compare(on, off, options, 1);
    const concurrent = await compare(on, off, options, options.concurrency);
    const withPolicies = pipelineOf(PIPELINE_ON);
    const without = pipelineOf(PIPELINE_OFF);
    await timeAttempts(withPolicies, options.attempts); // warm-up
    await timeAttempts(without, options.attempts);
    const attempt = await rounds(options.rounds, async () => {
      const onNs = await timeAttempts(withPolicies, options.attempts);
      const offNs = await timeAttempts(without, options.attempts);
      return { onNs, offNs, costNs: onNs - offNs };
    });
    return { sequential, concurrent, attempt };
  } finally {
    await Promise.all([on.close(), off.close()]);
  }
}
