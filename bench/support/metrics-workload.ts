import type { FastMcpEvents } from '../../libs/fastmcp/src/events/fastmcp-events.service.js';

/** Operations per workload run: ns/op = run time * 1e6 / OPS_PER_ITERATION (in ms). */
export const OPS_PER_ITERATION = 1_000;

const OPERATIONS = ['connect', 'list_tools', 'call_tool'] as const;
const CLIENT_IDS = ['github', 'jira', 'slack', 'search'];

/**
 * The metrics benchmarks' synthetic operations: operation.started then operation.succeeded,
 * through a real FastMcpEvents bus, OPS_PER_ITERATION times.
 */
export function runOperations(events: FastMcpEvents): void {
  for (let i = 0; i < OPS_PER_ITERATION; i += 1) {
    // Keys written out, as the module writes its events: on Node 20 a spread followed by keys
    // costs more than the metrics measured here.
    const operation = OPERATIONS[i % 3];
    const clientId = CLIENT_IDS[i % 4];
    events.emit('operation.started', { operation, clientId, startedAt: i });
    events.emit('operation.succeeded', {
      operation,
      clientId,
      durationMs: (i % 500) + 0.5,
      attempts: 1,
    });
  }
}
