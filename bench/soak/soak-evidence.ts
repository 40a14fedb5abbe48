import type { Registry } from 'prom-client';
import type { FailedOperation, DeadLetterQueueService } from '@app/fastmcp';
import type { PipelineMetrics } from './pipeline-accounting.js';

type Sample = { value: number; labels: Record<string, unknown> };

/** Every entry of the DLQ, page by page. */
export async function readAll(dlq: DeadLetterQueueService): Promise<FailedOperation[]> {
  const entries: FailedOperation[] = [];
  let cursor: string | undefined;
  do {
    const page = await dlq.list({ limit: 500, cursor });
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

/** The totals of the metrics the soak's checks compare with its own accounting. */
export interface SoakMetrics {
  success: number;
  error: number;
  dlqStored: number;
  dlqBuffered: number;
  dlqLostToLog: number;
  retries: number;
  deliveryUnknown: number;
  pipeline: PipelineMetrics;
}

export async function readMetrics(registry: Registry): Promise<SoakMetrics> {
  const values = async (name: string): Promise<Sample[]> =>
    (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const sum = (list: Sample[], match = {}) =>
    list
      .filter((v) => Object.entries(match).every(([k, want]) => v.labels[k] === want))
      .reduce((total, v) => total + v.value, 0);
  const byLabel = (list: Sample[], label: string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const v of list) {
      const key = String(v.labels[label]);
      out[key] = (out[key] ?? 0) + v.value;
    }
    return out;
  };
  const operations = await values('fastmcp_operations_total');
  return {
    success: sum(operations, { operation: 'call_tool', status: 'success' }),
    error: sum(operations, { operation: 'call_tool', status: 'error' }),
    dlqStored: sum(await values('fastmcp_dlq_operations_total')),
    dlqBuffered: sum(await values('fastmcp_dlq_buffered_entries')),
    dlqLostToLog: sum(await values('fastmcp_dlq_lost_to_log_total')),
    retries: sum(await values('fastmcp_retry_attempts_total')),
    deliveryUnknown: sum(await values('fastmcp_delivery_unknown_total')),
    pipeline: {
      transitions: byLabel(await values('fastmcp_circuit_transitions_total'), 'to'),
      states: byLabel(await values('fastmcp_circuit_state'), 'server'),
      budgetExhausted: sum(await values('fastmcp_retry_budget_exhausted_total')),
    },
  };
}
