/**
 * Cost of recording metrics per operation: the same synthetic operations (operation.started then
 * operation.succeeded, through a real FastMcpEvents bus) with the metrics listener attached and
 * without. One bench iteration is OPS_PER_ITERATION operations, so ns/op = mean ms * 1e6 / 1000.
 *
 *   npx vitest bench --run bench/metrics.bench.ts
 *
 * `npm run bench` measures the same workload (bench/metrics-cost.ts) with the other comparisons.
 */
import { afterAll, bench, describe } from 'vitest';
import type { FastMcpModuleOptions } from '../libs/fastmcp/src/options/fastmcp-options.interface.js';
import { createMetricsTestModule } from '../test/support/metrics/metrics-test-module.js';
import { OPS_PER_ITERATION, runOperations } from './support/metrics-workload.js';

export { OPS_PER_ITERATION };

/** Long runs: shared CI machines are noisy. */
const OPTIONS = { time: 3_000, warmupTime: 1_000 };

async function boot(options: FastMcpModuleOptions) {
  return createMetricsTestModule({ options });
}

const off = await boot({ metrics: false });
const on = await boot({});
const onWithClientId = await boot({ metrics: { clientIdLabel: true } });

afterAll(async () => {
  await Promise.all([off, on, onWithClientId].map(({ moduleRef }) => moduleRef.close()));
});

describe(`metrics per ${OPS_PER_ITERATION} operations`, () => {
  bench('metrics off (no listener attached)', () => runOperations(off.events), OPTIONS);
  bench('metrics on', () => runOperations(on.events), OPTIONS);
  bench('metrics on, client_id label', () => runOperations(onWithClientId.events), OPTIONS);
});
