import type { FaultScheduler } from './fault-scheduler.js';
import type { RedisOutage } from './redis-chaos.js';
import type { SoakAccounting, SoakCheck } from './soak-accounting.js';
import type { SoakOptions } from './soak-options.js';
import { PAY_TOOL } from './side-effects.js';

/** A progress line: seconds left, operations done and failed. */
export function progressLine(accounting: SoakAccounting, endAt: number): string {
  const done = accounting.records.filter((r) => r.outcome);
  const failed = done.filter((r) => r.outcome === 'failed').length;
  return `${Math.max(0, Math.round((endAt - Date.now()) / 1000))} s left: ${done.length} operations, ${failed} failed`;
}

/** Faults each kind of the scheduler's took, of how many POSTs. */
export function faultLine(scheduler: FaultScheduler): string {
  const kinds = Object.keys(scheduler.injected) as Array<keyof typeof scheduler.injected>;
  return `${kinds.map((k) => `${k} ${scheduler.hits[k]}`).join(', ')} (of ${scheduler.requests} POSTs)`;
}

/** The final accounting: the run, its faults, each check, and the RESULT line. */
export function render(
  options: SoakOptions,
  accounting: SoakAccounting,
  faultLines: string[],
  outages: RedisOutage[],
  serverDrops: number,
  wallMs: number,
  checks: SoakCheck[],
): string {
  const records = accounting.records;
  const failed = records.filter((r) => r.outcome === 'failed').length;
  const r = options.retry;
  const rates = Object.entries(options.rates)
    .map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`)
    .join(', ');
  const lines = [
    `Soak accounting: ${options.seconds} s, ${options.concurrency} echo + ${options.payConcurrency} ${PAY_TOOL} callers, ${(wallMs / 1000).toFixed(1)} s wall`,
    `  policy: maxRetries ${r.maxRetries}, requestTimeoutMs ${r.requestTimeoutMs}, totalTimeoutMs ${r.totalTimeoutMs}`,
    `  fault rates per POST: ${rates}`,
    ...faultLines,
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
