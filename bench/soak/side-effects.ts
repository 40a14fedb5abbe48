import type { FailedOperation } from '@app/fastmcp';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../../test/support/counting-tools-server.js';
import { type FaultProxy, startFaultProxy } from '../../test/support/fault-proxy.js';
import { FaultScheduler } from './fault-scheduler.js';
import { type OpRecord, opOf, type SoakCheck } from './soak-accounting.js';
import type { FaultRates } from './soak-options.js';

/** The non-idempotent tool of the soak: unannotated, so never re-sent after an ambiguous failure. */
export const PAY_TOOL = 'pay';

/** The counting server (in this process) behind its own fault proxy and fault scheduler. */
export interface PayTarget {
  readonly server: CountingToolsServer;
  readonly proxy: FaultProxy;
  readonly scheduler: FaultScheduler;
  close(): Promise<void>;
}

export async function startPayTarget(rates: FaultRates): Promise<PayTarget> {
  const server = await startCountingToolsServer();
  const proxy = await startFaultProxy(server.url).catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  const scheduler = new FaultScheduler(proxy, rates);
  return {
    server,
    proxy,
    scheduler,
    close: async () => {
      scheduler.stop();
      await proxy.close();
      await server.close();
    },
  };
}

/** What the side-effect checks found, for the report. */
export interface SideEffectTotals {
  calls: number;
  executions: number;
  /** Call ids that ran more than once (must be 0). */
  duplicates: number;
  /** Calls that failed saying they may have run, and how many of them did run. */
  deliveryUnknown: number;
  deliveryUnknownRan: number;
}

/**
 * The non-idempotent calls against the server's own count of executions (by call id): none ran
 * twice, every success ran exactly once, nothing ran that no one called; every call that failed
 * saying it may have run (McpDeliveryUnknownError, or `delivery: 'unknown'` on another error) is
 * in the DLQ marked deliveryUnknown, and only those are; only McpDeliveryUnknownError has the
 * error class `delivery_unknown`.
 */
export function checkSideEffects(
  records: readonly OpRecord[],
  executionsById: ReadonlyMap<string, number>,
  dlqEntries: readonly FailedOperation[],
  deliveryUnknownMetric: number,
): { checks: SoakCheck[]; totals: SideEffectTotals } {
  const pays = records.filter((r) => r.tool === PAY_TOOL);
  const ran = (r: OpRecord): number => executionsById.get(`${PAY_TOOL}:${r.callId}`) ?? 0;
  const called = new Set(pays.map((r) => `${PAY_TOOL}:${r.callId}`));
  const executions = [...executionsById.values()].reduce((sum, n) => sum + n, 0);
  const duplicates = [...executionsById.values()].filter((n) => n > 1).length;
  const uncalled = [...executionsById.keys()].filter((key) => !called.has(key)).length;
  const successNotOnce = pays.filter((r) => r.outcome === 'succeeded' && ran(r) !== 1).length;
  const unknown = pays.filter((r) => r.deliveryUnknown);
  const misclassed = records.filter(
    (r) => (r.errorClass === 'delivery_unknown') !== (r.retryWithheld === true),
  ).length;
  const flagged = new Set(dlqEntries.filter((e) => e.deliveryUnknown).map(opOf));
  const unflagged = unknown.filter((r) => !flagged.has(r.op)).length;
  const unknownOps = new Set(records.filter((r) => r.deliveryUnknown).map((r) => r.op));
  const wronglyFlagged = [...flagged].filter(
    (op) => op === undefined || !unknownOps.has(op),
  ).length;
  const totals: SideEffectTotals = {
    calls: pays.length,
    executions,
    duplicates,
    deliveryUnknown: unknown.length,
    deliveryUnknownRan: unknown.filter((r) => ran(r) > 0).length,
  };
  const check = (ok: boolean, name: string, detail: string): SoakCheck => ({ ok, name, detail });
  return {
    totals,
    checks: [
      check(
        duplicates === 0 && uncalled === 0,
        'no non-idempotent call ran twice',
        `${pays.length} ${PAY_TOOL} calls, ${executions} executions at the server: ` +
          `${duplicates} call ids ran more than once, ${uncalled} ran without a call`,
      ),
      check(
        successNotOnce === 0,
        `every ${PAY_TOOL} that succeeded ran exactly once`,
        `${pays.filter((r) => r.outcome === 'succeeded').length} successes, ${successNotOnce} not once`,
      ),
      check(
        unflagged === 0 &&
          wronglyFlagged === 0 &&
          misclassed === 0 &&
          deliveryUnknownMetric === unknownOps.size,
        'delivery-unknown failures: in the DLQ marked deliveryUnknown, counted once',
        `${unknown.length} ${PAY_TOOL} calls failed saying they may have run ` +
          `(${unknown.filter((r) => r.retryWithheld).length} McpDeliveryUnknownError) ` +
          `(${totals.deliveryUnknownRan} of them had run); ${unflagged} not flagged in the DLQ, ` +
          `${wronglyFlagged} flagged without one, ${misclassed} with the wrong error class; ` +
          `delivery_unknown_total ${deliveryUnknownMetric}/${unknownOps.size}`,
      ),
    ],
  };
}
