import type { Registry } from 'prom-client';
import { type FailedOperation, FastMcpEvents, RedisDlqService } from '@app/fastmcp';
import { startFaultProxy } from '../../test/support/fault-proxy.js';
import { startRedisServer } from '../../test/support/redis-server.js';
import { bootFastMcp } from '../support/bench-clients.js';
import { startDemoServerProcess } from '../support/demo-server-process.js';
import { heapUsedAfterGc } from '../support/stats.js';
import { FaultScheduler } from './fault-scheduler.js';
import { type RedisOutage, runRedisChaos } from './redis-chaos.js';
import { opText, SoakAccounting, type SoakCheck } from './soak-accounting.js';
import { type SoakOptions, soakOptions } from './soak-options.js';

/** The store's own write timeout: a failed call may wait this long for its DLQ write. */
const DLQ_WRITE_ALLOWANCE_MS = 2000;

export interface SoakReport {
  ok: boolean;
  checks: SoakCheck[];
  /** The accounting as printed. */
  text: string;
}

/**
 * The soak: N callers run callToolWithRetry (retries, metrics in their own Registry, the Redis
 * DLQ) through a fault-injecting proxy to a real MCP server in a child process, while Redis is
 * stopped and restarted and the server drops its sessions; then the accounting.
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
    const { app, client, registry } = await bootFastMcp({
      baseUrl: proxy.url,
      retry: options.retry,
      metrics: {},
      dlq: { redis: { url: redis.url } },
    });
    cleanups.unshift(() => app.close());
    const accounting = new SoakAccounting();
    const detach = accounting.attach(app.get(FastMcpEvents));
    cleanups.unshift(() => Promise.resolve(detach()));
    const dlq = app.get(RedisDlqService);
    const scheduler = new FaultScheduler(proxy, options.rates);
    log(
      `soak: ${options.seconds} s, ${options.concurrency} callers, server ${server.url} (pid ${server.pid}), redis ${redis.url}`,
    );

    const heapStart = heapUsedAfterGc();
    const durationMs = options.seconds * 1000;
    const endAt = Date.now() + durationMs;
    const stop = new AbortController();
    scheduler.start();
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
    }, options.serverDropEveryMs);
    const progress = setInterval(() => log(progressLine(accounting, endAt)), 5000);

    const caller = async (clientId: string): Promise<void> => {
      while (Date.now() < endAt) {
        const record = accounting.begin(clientId);
        const text = opText(record.op);
        try {
          const result = await client.callToolWithRetry(clientId, 'echo', { text });
          const echoed = (result.content[0] as { text?: string } | undefined)?.text;
          accounting.end(record, 'succeeded', echoed !== text);
        } catch {
          accounting.end(record, 'failed');
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, (_, i) => caller(`soak-${i}`)));
    const wallMs = durationMs + (Date.now() - endAt);
    clearInterval(dropper);
    clearInterval(progress);
    scheduler.stop();
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
    const text = render(options, accounting, scheduler, outages, serverDrops, wallMs, checks);
    return { ok: checks.every((c) => c.ok), checks, text };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    process.off('unhandledRejection', onUnhandled);
  }
}

async function readAll(dlq: RedisDlqService): Promise<FailedOperation[]> {
  const entries: FailedOperation[] = [];
  let cursor: string | undefined;
  do {
    const page = await dlq.list({ limit: 500, cursor });
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

async function readMetrics(registry: Registry): Promise<{
  success: number;
  error: number;
  dlqStored: number;
  retries: number;
}> {
  const values = async (name: string) =>
    (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const sum = (list: Array<{ value: number; labels: Record<string, unknown> }>, match = {}) =>
    list
      .filter((v) => Object.entries(match).every(([k, want]) => v.labels[k] === want))
      .reduce((total, v) => total + v.value, 0);
  const operations = await values('fastmcp_operations_total');
  return {
    success: sum(operations, { operation: 'call_tool', status: 'success' }),
    error: sum(operations, { operation: 'call_tool', status: 'error' }),
    dlqStored: sum(await values('fastmcp_dlq_operations_total')),
    retries: sum(await values('fastmcp_retry_attempts_total')),
  };
}

function progressLine(accounting: SoakAccounting, endAt: number): string {
  const done = accounting.records.filter((r) => r.outcome);
  const failed = done.filter((r) => r.outcome === 'failed').length;
  return `${Math.max(0, Math.round((endAt - Date.now()) / 1000))} s left: ${done.length} operations, ${failed} failed`;
}

function render(
  options: SoakOptions,
  accounting: SoakAccounting,
  scheduler: FaultScheduler,
  outages: RedisOutage[],
  serverDrops: number,
  wallMs: number,
  checks: SoakCheck[],
): string {
  const records = accounting.records;
  const failed = records.filter((r) => r.outcome === 'failed').length;
  const r = options.retry;
  const faultLine = (Object.keys(scheduler.injected) as Array<keyof typeof scheduler.injected>)
    .map((k) => `${k} ${scheduler.hits[k]}`)
    .join(', ');
  const rates = Object.entries(options.rates)
    .map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`)
    .join(', ');
  const lines = [
    `Soak accounting: ${options.seconds} s, ${options.concurrency} callers, ${(wallMs / 1000).toFixed(1)} s wall`,
    `  policy: maxRetries ${r.maxRetries}, requestTimeoutMs ${r.requestTimeoutMs}, totalTimeoutMs ${r.totalTimeoutMs}`,
    `  fault rates per POST: ${rates}`,
    `  faults taken: ${faultLine} (of ${scheduler.requests} POSTs)`,
    `  redis-server outages: ${outages.length} (${outages.map((o) => `${o.restartedAt - o.stoppedAt} ms`).join(', ')}), AOF persistence on`,
    `  server-side session drops: ${serverDrops}`,
    `  operations: ${records.length} started, ${records.length - failed} succeeded, ${failed} failed ` +
      `(${((records.length / wallMs) * 1000).toFixed(0)} ops/s)`,
    `  failures by class: ${
      accounting
        .failureClasses()
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || 'none'
    }`,
    '',
    ...checks.map((c) => `  [${c.ok ? ' OK ' : 'FAIL'}] ${c.name}: ${c.detail}`),
    '',
    checks.every((c) => c.ok)
      ? 'RESULT: clean'
      : `RESULT: ${checks.filter((c) => !c.ok).length} mismatch(es)`,
  ];
  return lines.join('\n');
}
