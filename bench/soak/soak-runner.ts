import {
  FastMcpEvents,
  isCircuitOpenError,
  isFastMcpError,
  isMcpDeliveryUnknownError,
  type McpServerConfig,
  DeadLetterQueueService,
} from '@app/fastmcp';
import { startFaultProxy } from '../../test/support/fault-proxy.js';
import { startRedisServer } from '../../test/support/redis-server.js';
import { bootFastMcp } from '../support/bench-clients.js';
import { startDemoServerProcess } from '../support/demo-server-process.js';
import { heapUsedAfterGc } from '../support/stats.js';
import { FaultScheduler } from './fault-scheduler.js';
import { PipelineAccounting } from './pipeline-accounting.js';
import { runRedisChaos } from './redis-chaos.js';
import { SoakAccounting, type SoakCheck } from './soak-accounting.js';
import { readAll, readMetrics } from './soak-evidence.js';
import { faultLine, progressLine, render } from './soak-report.js';
import {
  checkSideEffects,
  PAY_TOOL,
  type SideEffectTotals,
  startPayTarget,
} from './side-effects.js';
import { type SoakOptions, soakOptions } from './soak-options.js';

/** The store's own write timeout: a failed call may wait this long for its DLQ write. */
const DLQ_WRITE_ALLOWANCE_MS = 2000;

export interface SoakReport {
  ok: boolean;
  checks: SoakCheck[];
  /** The accounting as printed. */
  text: string;
  /** The non-idempotent calls against the server's count of executions. */
  sideEffects: SideEffectTotals;
}

/** A caller refused by an open circuit waits until probes go out, and at least this long. */
const CIRCUIT_PAUSE_MIN_MS = 50;
const CIRCUIT_PAUSE_MAX_MS = 2000;

/** echo is read-only: re-sending it after any failure is safe, so the soak says so. */
const ECHO_SAFE = { echo: { retry: 'always' } } as const;

/**
 * The soak: N callers run callToolWithRetry (retries, metrics in their own Registry, the Redis
 * DLQ) through a fault-injecting proxy to a real MCP server in a child process, while Redis is
 * stopped and restarted and the server drops its sessions; then the accounting. Besides them,
 * M callers run the non-idempotent `pay` of a counting server behind its own proxy: the server's
 * count of executions per call id shows that no call ran twice.
 */
export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const options = soakOptions(overrides);
  const { log } = options;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const redis = await startRedisServer({ persistent: true });
    cleanups.unshift(() => redis.close());
    const server = await startDemoServerProcess();
    cleanups.unshift(() => server.close());
    const proxy = await startFaultProxy(server.url);
    cleanups.unshift(() => proxy.close());
    const pay = await startPayTarget(options.rates);
    cleanups.unshift(() => pay.close());
    const servers: Record<string, McpServerConfig> = {};
    const echoIds = Array.from({ length: options.concurrency }, (_, i) => `soak-${i}`);
    const payIds = Array.from({ length: options.payConcurrency }, (_, i) => `pay-${i}`);
    for (const id of echoIds) servers[id] = { url: proxy.url, tools: ECHO_SAFE };
    for (const id of payIds) servers[id] = { url: pay.proxy.url };
    const bootedAt = Date.now();
    const { app, client, registry } = await bootFastMcp({
      servers,
      retry: options.retry,
      resilience: options.resilience,
      metrics: {},
      dlq: { redis: { url: redis.url } },
    });
    cleanups.unshift(() => app.close());
    const accounting = new SoakAccounting();
    const pipeline = new PipelineAccounting();
    const events = app.get(FastMcpEvents);
    const detach = accounting.attach(events);
    const detachPipeline = pipeline.attach(events, (id) => accounting.currentOf(id));
    cleanups.unshift(() => Promise.resolve([detach(), detachPipeline()]));
    const dlq = app.get(DeadLetterQueueService);
    const scheduler = new FaultScheduler(proxy, options.rates);
    log(
      `soak: ${options.seconds} s, ${options.concurrency} echo + ${options.payConcurrency} ${PAY_TOOL} callers, ` +
        `server ${server.url} (pid ${server.pid}), ${PAY_TOOL} server ${pay.server.url}, redis ${redis.url}`,
    );

    const heapStart = heapUsedAfterGc();
    const durationMs = options.seconds * 1000;
    const endAt = Date.now() + durationMs;
    const stop = new AbortController();
    scheduler.start();
    pay.scheduler.start();
    const chaos = runRedisChaos(
      redis,
      {
        count: options.redisOutages,
        durationMs,
        outageMs: options.redisOutageMs,
        signal: stop.signal,
      },
      log,
    );
    let serverDrops = 0;
    const dropper = setInterval(() => {
      serverDrops += 1;
      server.dropSessions().catch(() => undefined);
      pay.server.dropSessions().catch(() => undefined);
    }, options.serverDropEveryMs);
    const progress = setInterval(() => log(progressLine(accounting, endAt)), 5000);

    const caller = async (clientId: string, tool: 'echo' | 'pay'): Promise<void> => {
      while (Date.now() < endAt) {
        const record = accounting.begin(clientId, tool);
        const args = tool === 'echo' ? { text: record.callId } : { id: record.callId };
        try {
          const result = await client.callToolWithRetry(clientId, tool, args);
          const echoed = (result.content[0] as { text?: string } | undefined)?.text;
          accounting.end(record, 'succeeded', echoed !== record.callId);
        } catch (error) {
          record.retryWithheld = isMcpDeliveryUnknownError(error) || undefined;
          // McpDeliveryUnknownError says `delivery: 'unknown'` too.
          record.deliveryUnknown =
            (isFastMcpError(error) && error.delivery === 'unknown') || undefined;
          accounting.end(record, 'failed');
          // As a well-behaved caller does: no spinning on a circuit that fails fast.
          if (isCircuitOpenError(error)) await pause(error.retryAt - Date.now(), endAt);
        }
      }
    };
    await Promise.all([
      ...echoIds.map((id) => caller(id, 'echo')),
      ...payIds.map((id) => caller(id, 'pay')),
    ]);
    const wallMs = durationMs + (Date.now() - endAt);
    clearInterval(dropper);
    clearInterval(progress);
    scheduler.stop();
    pay.scheduler.stop();
    stop.abort();
    const outages = await chaos;
    if (!redis.isRunning()) await redis.start();

    log('callers done; waiting for the DLQ to flush');
    const flushStart = Date.now();
    while (dlq.bufferedCount > 0 && Date.now() - flushStart < options.flushTimeoutMs) {
      await dlq.flushBuffer().catch(() => undefined);
      if (dlq.bufferedCount > 0) await new Promise((r) => setTimeout(r, 200));
    }
    const flushWaitMs = Date.now() - flushStart;
    const dlqEntries = await readAll(dlq);
    const metrics = await readMetrics(registry);
    const heapEnd = heapUsedAfterGc();
    const checks = accounting.check(
      {
        dlqEntries,
        bufferedAtEnd: dlq.bufferedCount,
        flushWaitMs,
        metrics,
        heap: { startBytes: heapStart, endBytes: heapEnd },
        unhandledRejections: unhandled,
      },
      {
        maxRetries: options.retry.maxRetries,
        totalTimeoutMs: options.retry.totalTimeoutMs,
        budgetSlackMs: options.budgetSlackMs,
        dlqWriteAllowanceMs: DLQ_WRITE_ALLOWANCE_MS,
        heapGrowthBoundMiB: options.heapGrowthBoundMiB,
      },
    );
    checks.push(
      ...pipeline.check(
        {
          records: accounting.records,
          dlqEntries,
          metrics: metrics.pipeline,
          posts: scheduler.requests + pay.scheduler.requests,
          clients: echoIds.length + payIds.length,
          seconds: (Date.now() - bootedAt) / 1000,
        },
        {
          resilience: options.resilience,
          probeLimitMs: options.retry.totalTimeoutMs + options.budgetSlackMs,
        },
      ),
    );
    const sideEffects = checkSideEffects(
      accounting.records,
      pay.server.executionsById(),
      dlqEntries,
      metrics.deliveryUnknown,
    );
    checks.push(...sideEffects.checks);
    const faultLines = [
      `  faults taken: ${faultLine(scheduler)}`,
      `  faults taken (${PAY_TOOL} server): ${faultLine(pay.scheduler)}`,
      `  resilience: ${JSON.stringify(options.resilience)}`,
      `  pipeline: ${pipeline.summary()}`,
    ];
    const text = render(options, accounting, faultLines, outages, serverDrops, wallMs, checks);
    return { ok: checks.every((c) => c.ok), checks, text, sideEffects: sideEffects.totals };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    process.off('unhandledRejection', onUnhandled);
  }
}

/** Sleeps `ms` clamped to the caller pause bounds, never past `endAt`. */
function pause(ms: number, endAt: number): Promise<void> {
  const clamped = Math.min(CIRCUIT_PAUSE_MAX_MS, Math.max(CIRCUIT_PAUSE_MIN_MS, ms));
  const wait = Math.max(0, Math.min(clamped, endAt - Date.now()));
  return new Promise((resolve) => setTimeout(resolve, wait));
}
