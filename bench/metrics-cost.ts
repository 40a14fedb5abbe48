/**
 * Cost of recording metrics per operation, on against off: bench/metrics.bench.ts's workload
 * (operation.started + operation.succeeded through a real event bus), timed by hand.
 */
import { createMetricsTestModule } from '../test/support/metrics/metrics-test-module.js';
import { OPS_PER_ITERATION, runOperations } from './support/metrics-workload.js';
import { type RoundSummary, rounds } from './support/stats.js';

export interface MetricsCostResult {
  offNsPerOp: RoundSummary;
  onNsPerOp: RoundSummary;
  onClientIdNsPerOp: RoundSummary;
  /** (on - off) per operation. */
  costNsPerOp: RoundSummary;
}

export async function runMetricsCost(
  options = { iterations: 40, rounds: 5 },
): Promise<MetricsCostResult> {
  const off = await createMetricsTestModule({ options: { metrics: false } });
  const on = await createMetricsTestModule({ options: {} });
  const onId = await createMetricsTestModule({ options: { metrics: { clientIdLabel: true } } });
  const time = (events: typeof on.events): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < options.iterations; i += 1) runOperations(events);
    return Number(process.hrtime.bigint() - start) / (options.iterations * OPS_PER_ITERATION);
  };
  try {
    for (const m of [off, on, onId]) time(m.events); // warm-up
    return await rounds(options.rounds, () => {
      const offNs = time(off.events);
      const onNs = time(on.events);
      const onIdNs = time(onId.events);
      return Promise.resolve({
        offNsPerOp: offNs,
        onNsPerOp: onNs,
        onClientIdNsPerOp: onIdNs,
        costNsPerOp: onNs - offNs,
      });
    });
  } finally {
    await Promise.all([off, on, onId].map((m) => m.moduleRef.close()));
  }
}
