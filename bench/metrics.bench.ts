/**
 * Cost of recording metrics per operation: the same synthetic operations (operation.started then
 * operation.succeeded, through a real FastMcpEvents bus) with the metrics listener attached and
 * without. One bench iteration is OPS_PER_ITERATION operations, so ns/op = mean ms * 1e6 / 1000.
 *
 *   npx vitest bench --run bench/metrics.bench.ts --outputJson bench/results.json
 */
import { afterAll, bench, describe } from 'vitest';
import type { FastMcpEvents } from '../libs/fastmcp/src/events/fastmcp-events.service.js';
import type { FastMcpModuleOptions } from '../libs/fastmcp/src/options/fastmcp-options.interface.js';
import { createMetricsTestModule } from '../test/support/metrics/metrics-test-module.js';

export const OPS_PER_ITERATION = 1_000;

/** Long runs: shared CI machines are noisy. */
const OPTIONS = { time: 3_000, warmupTime: 1_000 };

const OPERATIONS = ['connect', 'list_tools', 'call_tool'] as const;
const CLIENT_IDS = ['github', 'jira', 'slack', 'search'];

function runOperations(events: FastMcpEvents): void {
  for (let i = 0; i < OPS_PER_ITERATION; i += 1) {
    const context = { operation: OPERATIONS[i % 3], clientId: CLIENT_IDS[i % 4] };
    events.emit('operation.started', { ...context, startedAt: i });
    events.emit('operation.succeeded', { ...context, durationMs: (i % 500) + 0.5, attempts: 1 });
  }
}

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
