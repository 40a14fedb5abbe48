import { readFileSync } from 'node:fs';
import { DLQ_OPERATION_NAMES, OPERATION_NAMES } from '../events/operation-name.js';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMetricsTestModule,
  type MetricsTestModule,
} from '../../../../test/support/metrics/metrics-test-module.js';
import { emitScriptedRun } from '../../../../test/support/metrics/scripted-run.js';
import type { FastMcpModuleOptions } from '../options/fastmcp-options.interface.js';
import { FastMcpMetricsListener } from './fastmcp-metrics.listener.js';
import { FastMcpMetrics } from './fastmcp-metrics.service.js';

const SCRIPTED_RUN_TEXT = readFileSync(
  new URL('../../../../test/support/metrics/scripted-run.metrics.txt', import.meta.url),
  'utf8',
);

describe('FastMcpMetricsListener', () => {
  const open: MetricsTestModule[] = [];
  const boot = async (options?: FastMcpModuleOptions): Promise<MetricsTestModule> => {
    const booted = await createMetricsTestModule({ options });
    open.push(booted);
    return booted;
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map(({ moduleRef }) => moduleRef.close()));
  });

  it('counts two http_503 retries and one success exactly', async () => {
    const { events, registry } = await boot();
    const base = { clientId: 'client-1', operation: 'call_tool' as const };
    events.emit('operation.started', { ...base, startedAt: 0 });
    for (const [retry, delayMs] of [
      [1, 110],
      [2, 220],
    ]) {
      const error = 'HTTP 503';
      events.emit('retry.scheduled', {
        ...base,
        ...{ retry, maxRetries: 3, delayMs, reason: 'http_503', error, cumulativeMs: 0 },
      });
    }
    events.emit('operation.succeeded', { ...base, durationMs: 420, attempts: 3 });

    expect(await registry.getSingleMetricAsString('fastmcp_retry_attempts_total')).toContain(
      'fastmcp_retry_attempts_total{operation="call_tool",reason="http_503"} 2',
    );
    const backoff = await registry.getSingleMetricAsString('fastmcp_retry_backoff_seconds');
    expect(lines(backoff, '_bucket')).toEqual([
      'fastmcp_retry_backoff_seconds_bucket{le="0.001",operation="call_tool"} 0',
      'fastmcp_retry_backoff_seconds_bucket{le="0.01",operation="call_tool"} 0',
      'fastmcp_retry_backoff_seconds_bucket{le="0.1",operation="call_tool"} 0',
      'fastmcp_retry_backoff_seconds_bucket{le="0.5",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="1",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="2.5",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="5",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="10",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="30",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="60",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="120",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="300",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="+Inf",operation="call_tool"} 2',
    ]);
    expect(backoff).toContain('fastmcp_retry_backoff_seconds_count{operation="call_tool"} 2');
    expect(lines(await registry.getSingleMetricAsString('fastmcp_operations_total'), '{')).toEqual([
      'fastmcp_operations_total{operation="connect",status="success"} 0',
      'fastmcp_operations_total{operation="connect",status="error"} 0',
      'fastmcp_operations_total{operation="connect",status="aborted"} 0',
      'fastmcp_operations_total{operation="list_tools",status="success"} 0',
      'fastmcp_operations_total{operation="list_tools",status="error"} 0',
      'fastmcp_operations_total{operation="list_tools",status="aborted"} 0',
      'fastmcp_operations_total{operation="call_tool",status="success"} 1',
      'fastmcp_operations_total{operation="call_tool",status="error"} 0',
      'fastmcp_operations_total{operation="call_tool",status="aborted"} 0',
      // The reads (resources, prompts, completions) exist at 0 too, before their first call.
      ...OPERATION_NAMES.slice(DLQ_OPERATION_NAMES.length).flatMap((operation) =>
        ['success', 'error', 'aborted'].map(
          (status) => `fastmcp_operations_total{operation="${operation}",status="${status}"} 0`,
        ),
      ),
    ]);
  });

  it('renders the whole scripted run as exact /metrics text', async () => {
    const { events, registry } = await boot();
    emitScriptedRun(events);
    expect(await registry.metrics()).toBe(SCRIPTED_RUN_TEXT);
  });

  it('counts a dead letter lost to the log once, whether its first write or its buffered one was lost', async () => {
    const { events, registry } = await boot();
    const failure = { operation: 'call_tool' as const, clientId: 'c', error: 'ECONNREFUSED' };
    // The buffer was full: lost at its first write.
    events.emit('dlq.store_failed', { ...failure, outcome: 'lost_to_log', firstWrite: true });
    // Buffered, then lost (the spill file could not be written at shutdown).
    events.emit('dlq.store_failed', { ...failure, outcome: 'buffered', firstWrite: true });
    events.emit('dlq.store_failed', { ...failure, outcome: 'lost_to_log', firstWrite: false });
    const text = await registry.metrics();
    expect(text).toContain('fastmcp_dlq_store_failures_total 2\n');
    expect(text).toContain('fastmcp_dlq_lost_to_log_total 2\n');
  });

  it('tracks operations in flight', async () => {
    const { events, registry } = await boot();
    const started = { clientId: 'c', operation: 'list_tools' as const, startedAt: 0 };
    events.emit('operation.started', started);
    events.emit('operation.started', started);
    const inflight = () => registry.getSingleMetricAsString('fastmcp_inflight_operations');
    expect(await inflight()).toContain('fastmcp_inflight_operations{operation="list_tools"} 2');
    events.emit('operation.succeeded', { ...started, durationMs: 1, attempts: 1 });
    events.emit('operation.failed', {
      ...{ ...started, durationMs: 1, attempts: 1, errorClass: 'http_400', error: 'HTTP 400' },
      ...{ retriesExhausted: false, deliveryUnknown: false },
    });
    expect(await inflight()).toContain('fastmcp_inflight_operations{operation="list_tools"} 0');
  });

  it('prefixes every name with the namespace option', async () => {
    const { events, registry } = await boot({ metrics: { namespace: 'acme_mcp' } });
    emitScriptedRun(events);
    expect(await registry.metrics()).toBe(SCRIPTED_RUN_TEXT.replaceAll('fastmcp_', 'acme_mcp_'));
    expect(registry.getMetricsAsArray().map((m) => m.name)).toEqual(ALL_NAMES('acme_mcp'));
  });

  it('adds a bounded client_id label when asked', async () => {
    const { events, registry } = await boot({
      metrics: { clientIdLabel: true, maxClientIdLabels: 2 },
    });
    for (const clientId of ['a', 'b', 'c', 'd', 'a']) {
      events.emit('operation.succeeded', {
        clientId,
        operation: 'connect',
        durationMs: 5,
        attempts: 1,
      });
    }
    expect(lines(await registry.getSingleMetricAsString('fastmcp_operations_total'), '{')).toEqual([
      'fastmcp_operations_total{operation="connect",client_id="a",status="success"} 2',
      'fastmcp_operations_total{operation="connect",client_id="b",status="success"} 1',
      'fastmcp_operations_total{operation="connect",client_id="other",status="success"} 2',
    ]);
    expect(await registry.getSingleMetricAsString('fastmcp_dlq_operations_total')).not.toContain(
      'client_id',
    );
  });

  it('counts failures folded into a recent entry apart from the entries stored', async () => {
    const { events, registry } = await boot();
    for (const occurrences of [2, 3]) {
      events.emit('dlq.deduplicated', {
        id: 'e1',
        operation: 'call_tool',
        clientId: 'a',
        occurrences,
      });
    }
    expect(await registry.getSingleMetricAsString('fastmcp_dlq_deduplicated_total')).toContain(
      'fastmcp_dlq_deduplicated_total 2',
    );
    expect(await registry.getSingleMetricAsString('fastmcp_dlq_operations_total')).toContain(
      'fastmcp_dlq_operations_total 0',
    );
  });

  it('bounds the server label the same way; configured servers always keep theirs', async () => {
    const { events, registry } = await boot({
      servers: { pay: { url: 'http://127.0.0.1:1/mcp' } },
      metrics: { maxClientIdLabels: 2 },
    });
    for (const server of ['dyn-a', 'dyn-b', 'dyn-c', 'pay']) {
      events.emit('circuit.transition', { server, from: 'closed', to: 'open' });
      events.emit('bulkhead.queue', { server, queued: 1 });
      events.emit('ratelimit.waited', { server, waitedMs: 10 });
      const context = { clientId: server, operation: 'call_tool' as const };
      events.emit('retry.budget_exhausted', { ...context, server });
    }
    expect(await serverValues(registry)).toEqual(['dyn-a', 'other', 'pay']);
    expect(lines(await registry.getSingleMetricAsString('fastmcp_circuit_state'), '{')).toEqual([
      'fastmcp_circuit_state{server="dyn-a"} 2',
      'fastmcp_circuit_state{server="other"} 2',
      'fastmcp_circuit_state{server="pay"} 2',
    ]);
  });

  it('shows the servers folded into `other` combined: queues summed, the worst circuit', async () => {
    const { events, registry } = await boot({ metrics: { maxClientIdLabels: 1 } });
    const other = async () => [
      lines(await registry.getSingleMetricAsString('fastmcp_bulkhead_queue'), 'other'),
      lines(await registry.getSingleMetricAsString('fastmcp_circuit_state'), 'other'),
    ];
    events.emit('bulkhead.queue', { server: 'dyn-a', queued: 7 });
    events.emit('bulkhead.queue', { server: 'dyn-b', queued: 3 });
    events.emit('bulkhead.queue', { server: 'dyn-c', queued: 2 });
    events.emit('circuit.transition', { server: 'dyn-b', from: 'closed', to: 'open' });
    events.emit('circuit.transition', { server: 'dyn-c', from: 'closed', to: 'half_open' });
    expect(await other()).toEqual([
      ['fastmcp_bulkhead_queue{server="other"} 5'],
      ['fastmcp_circuit_state{server="other"} 2'],
    ]);
    events.emit('bulkhead.queue', { server: 'dyn-b', queued: 0 });
    events.emit('circuit.transition', { server: 'dyn-b', from: 'open', to: 'closed' });
    expect(await other()).toEqual([
      ['fastmcp_bulkhead_queue{server="other"} 2'],
      ['fastmcp_circuit_state{server="other"} 1'],
    ]);
    events.emit('server.forgotten', { server: 'dyn-c' });
    expect(await other()).toEqual([
      ['fastmcp_bulkhead_queue{server="other"} 0'],
      ['fastmcp_circuit_state{server="other"} 0'],
    ]);
    expect(
      lines(await registry.getSingleMetricAsString('fastmcp_bulkhead_queue'), 'dyn-a'),
    ).toEqual(['fastmcp_bulkhead_queue{server="dyn-a"} 7']);
  });

  it('keeps a server folded into `other` there when a slot frees up, so its part never stays behind', async () => {
    const { events, registry } = await boot({ metrics: { maxClientIdLabels: 1 } });
    events.emit('circuit.transition', { server: 'dyn-a', from: 'closed', to: 'open' });
    events.emit('circuit.transition', { server: 'dyn-b', from: 'closed', to: 'open' });
    events.emit('server.forgotten', { server: 'dyn-a' });
    events.emit('circuit.transition', { server: 'dyn-b', from: 'open', to: 'half_open' });
    expect(lines(await registry.getSingleMetricAsString('fastmcp_circuit_state'), '{')).toEqual([
      'fastmcp_circuit_state{server="other"} 1',
    ]);
    // A server new since then takes the free slot.
    events.emit('circuit.transition', { server: 'dyn-c', from: 'closed', to: 'open' });
    expect(await serverValues(registry)).toEqual(['dyn-c', 'other']);
  });

  it("removes a forgotten server's series, not those of `other`", async () => {
    const { events, registry } = await boot({ metrics: { maxClientIdLabels: 1 } });
    for (const server of ['dyn-a', 'dyn-b']) {
      events.emit('circuit.transition', { server, from: 'closed', to: 'open' });
      events.emit('circuit.transition', { server, from: 'open', to: 'half_open' });
      events.emit('bulkhead.queue', { server, queued: 0 });
      events.emit('ratelimit.waited', { server, waitedMs: 10 });
      const context = { clientId: server, operation: 'call_tool' as const };
      events.emit('retry.budget_exhausted', { ...context, server });
    }
    events.emit('server.forgotten', { server: 'dyn-a' });
    events.emit('server.forgotten', { server: 'dyn-b' });
    expect(await serverValues(registry)).toEqual(['other']);
  });

  it("gives a forgotten server's label slot to the next server (no client_id label)", async () => {
    const { events, registry } = await boot({ metrics: { maxClientIdLabels: 1 } });
    for (const server of ['dyn-a', 'dyn-b', 'dyn-c']) {
      events.emit('circuit.transition', { server, from: 'closed', to: 'open' });
      expect(await serverValues(registry)).toEqual([server]);
      events.emit('server.forgotten', { server });
    }
    expect(await serverValues(registry)).toEqual([]);
  });

  it('keeps the slots taken when client ids are labels too (their series stay)', async () => {
    const { moduleRef, events, registry } = await boot({
      metrics: { maxClientIdLabels: 1, clientIdLabel: true },
    });
    const servers = ['dyn-a', ...Array.from({ length: 100 }, (_, i) => `dyn-b${i}`)];
    for (const server of servers) {
      events.emit('circuit.transition', { server, from: 'closed', to: 'open' });
      events.emit('server.forgotten', { server });
    }
    events.emit('circuit.transition', { server: 'dyn-c', from: 'closed', to: 'open' });
    expect(await serverValues(registry)).toEqual(['other']);
    // The folded ones that are gone are not remembered: only dyn-a's slot, and dyn-c.
    expect(moduleRef.get(FastMcpMetricsListener)['clientIds'].remembered).toBe(2);
  });

  it('combines the server gauges of two modules on one registry: worst circuit, summed queues', async () => {
    const registry = new Registry();
    const a = await createMetricsTestModule({ registry });
    open.push(a);
    const b = await createMetricsTestModule({ registry });
    open.push(b);
    const demo = async (name: string) =>
      lines(await registry.getSingleMetricAsString(name), 'demo');
    a.events.emit('circuit.transition', { server: 'demo', from: 'closed', to: 'open' });
    a.events.emit('bulkhead.queue', { server: 'demo', queued: 3 });
    b.events.emit('circuit.transition', { server: 'demo', from: 'closed', to: 'open' });
    b.events.emit('circuit.transition', { server: 'demo', from: 'open', to: 'half_open' });
    b.events.emit('circuit.transition', { server: 'demo', from: 'half_open', to: 'closed' });
    b.events.emit('bulkhead.queue', { server: 'demo', queued: 2 });
    expect(await demo('fastmcp_circuit_state')).toEqual(['fastmcp_circuit_state{server="demo"} 2']);
    expect(await demo('fastmcp_bulkhead_queue')).toEqual([
      'fastmcp_bulkhead_queue{server="demo"} 5',
    ]);
    // B forgets its demo: A's part stays; once A closes, nothing of it stays.
    b.events.emit('server.forgotten', { server: 'demo' });
    expect(await demo('fastmcp_circuit_state')).toEqual(['fastmcp_circuit_state{server="demo"} 2']);
    await a.moduleRef.close();
    open.splice(open.indexOf(a), 1);
    expect(await demo('fastmcp_circuit_state')).toEqual([]);
  });

  it("keeps a server's counters while another module on the registry counts into them", async () => {
    const registry = new Registry();
    const a = await createMetricsTestModule({ registry });
    open.push(a);
    const b = await createMetricsTestModule({ registry });
    open.push(b);
    const demo = async () =>
      (
        await Promise.all(
          [
            'fastmcp_circuit_transitions_total',
            'fastmcp_ratelimit_wait_seconds',
            'fastmcp_retry_budget_exhausted_total',
          ].map(async (name) => lines(await registry.getSingleMetricAsString(name), 'demo')),
        )
      ).flat();
    a.events.emit('circuit.transition', { server: 'demo', from: 'closed', to: 'open' });
    b.events.emit('circuit.transition', { server: 'demo', from: 'closed', to: 'open' });
    b.events.emit('ratelimit.waited', { server: 'demo', waitedMs: 50 });
    b.events.emit('retry.budget_exhausted', {
      server: 'demo',
      clientId: 'demo',
      operation: 'call_tool',
    });
    const counted = await demo();
    expect(counted).toContain('fastmcp_circuit_transitions_total{server="demo",to="open"} 2');
    expect(counted).toContain('fastmcp_ratelimit_wait_seconds_count{server="demo"} 1');
    expect(counted).toContain('fastmcp_retry_budget_exhausted_total{server="demo"} 1');
    // A disconnects demo: B still counts into its series, which keep every count.
    a.events.emit('server.forgotten', { server: 'demo' });
    expect(await demo()).toEqual(counted);
    // The last module that counted forgets it: they go.
    b.events.emit('server.forgotten', { server: 'demo' });
    expect(await demo()).toEqual([]);
  });

  it('registers nothing and listens to nothing when metrics are off', async () => {
    const { moduleRef, events, registry } = await boot({ metrics: false });
    emitScriptedRun(events);
    expect(moduleRef.get(FastMcpMetrics).set).toBeNull();
    expect(registry.getMetricsAsArray()).toEqual([]);
    expect(await registry.metrics()).toBe('\n');
  });

  it('stops listening when the module closes', async () => {
    const { moduleRef, events } = await createMetricsTestModule();
    const set = moduleRef.get(FastMcpMetrics).set;
    await moduleRef.close();
    emitScriptedRun(events);
    expect((await set?.retryAttempts.get())?.values).toEqual([]);
  });
});

function lines(text: string, marker: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('#') && line.includes(marker));
}

/** The distinct `server` label values of every series in `registry`. */
async function serverValues(registry: MetricsTestModule['registry']): Promise<string[]> {
  const values = [...(await registry.metrics()).matchAll(/server="([^"]*)"/g)].map((m) => m[1]);
  return [...new Set(values)].sort();
}

const ALL_NAMES = (ns: string): string[] =>
  [
    'retry_attempts_total',
    'retry_backoff_seconds',
    'delivery_unknown_total',
    'operations_total',
    'operation_duration_seconds',
    'dlq_operations_total',
    'dlq_deduplicated_total',
    'inflight_operations',
    'dlq_entries',
    'dlq_oldest_entry_age_seconds',
    'dlq_due_entries',
    'dlq_buffered_entries',
    'dlq_redrives_total',
    'dlq_store_failures_total',
    'dlq_lost_to_log_total',
    'dlq_evictions_total',
    'dlq_replays_total',
    'ratelimit_wait_seconds',
    'bulkhead_queue',
    'circuit_state',
    'circuit_transitions_total',
    'retry_budget_exhausted_total',
    'dlq_corrupt_entries_total',
  ].map((suffix) => `${ns}_${suffix}`);
