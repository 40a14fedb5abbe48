import { Counter, Gauge, register, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMetricsTestModule,
  type MetricsTestModule,
  type MetricsTestModuleSetup,
} from '../../../../test/support/metrics/metrics-test-module.js';
import { emitScriptedRun } from '../../../../test/support/metrics/scripted-run.js';
import { isFastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type { DlqStats } from '../dlq/core/dead-letter-queue.interface.js';
import type { DlqStatsSource } from './dlq-stats.cache.js';
import { METRIC_DEFINITIONS } from './metric-definitions.js';

/** Every metric; their names are listed one by one in the listener spec. */
const METRIC_COUNT = Object.keys(METRIC_DEFINITIONS).length;

describe('FastMcpMetrics', () => {
  const open: MetricsTestModule[] = [];
  const boot = async (setup: MetricsTestModuleSetup = {}): Promise<MetricsTestModule> => {
    const booted = await createMetricsTestModule(setup);
    open.push(booted);
    return booted;
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map(({ moduleRef }) => moduleRef.close()));
  });

  it("defaults to prom-client's global registry and leaves it clean on close", async () => {
    const { moduleRef, registry } = await createMetricsTestModule({ registry: 'default' });
    expect(registry).toBe(register);
    expect(register.getSingleMetric('fastmcp_operations_total')).toBeDefined();
    await moduleRef.close();
    expect(register.getSingleMetric('fastmcp_operations_total')).toBeUndefined();
  });

  it('keeps two apps with their own registries apart', async () => {
    const a = await boot();
    const b = await boot();
    emitScriptedRun(a.events);
    expect(await a.registry.getSingleMetricAsString('fastmcp_dlq_operations_total')).toContain(
      'fastmcp_dlq_operations_total 1',
    );
    expect(await b.registry.getSingleMetricAsString('fastmcp_dlq_operations_total')).toContain(
      'fastmcp_dlq_operations_total 0',
    );
  });

  it('lets two modules on the default registry share identical metrics; the last to close removes them', async () => {
    const running: MetricsTestModule[] = [];
    try {
      running.push(await createMetricsTestModule({ registry: 'default' }));
      running.push(await createMetricsTestModule({ registry: 'default' }));
      const [a, b] = running;
      expect(register.getMetricsAsArray()).toHaveLength(METRIC_COUNT);
      emitScriptedRun(a.events);
      emitScriptedRun(b.events);
      const total = (): Promise<string> =>
        register.getSingleMetricAsString('fastmcp_dlq_operations_total');
      expect(await total()).toContain('fastmcp_dlq_operations_total 2');
      // The per-operation series are tallied between reads; both modules add into one tally.
      expect(await register.getSingleMetricAsString('fastmcp_operations_total')).toContain(
        'fastmcp_operations_total{operation="call_tool",status="success"} 2\n',
      );
      a.events.emit('operation.started', { operation: 'list_tools', clientId: 'x', startedAt: 0 });
      b.events.emit('operation.started', { operation: 'list_tools', clientId: 'y', startedAt: 0 });
      expect(await register.getSingleMetricAsString('fastmcp_inflight_operations')).toContain(
        'fastmcp_inflight_operations{operation="list_tools"} 2\n',
      );
      await running.shift()?.moduleRef.close();
      expect(register.getMetricsAsArray()).toHaveLength(METRIC_COUNT);
      emitScriptedRun(b.events);
      expect(await total()).toContain('fastmcp_dlq_operations_total 3');
      // A scrape still works once the module whose collectors the shared gauges kept has closed.
      expect(await register.metrics()).toContain('fastmcp_dlq_entries ');
    } finally {
      for (const { moduleRef } of running.splice(0)) await moduleRef.close();
    }
    expect(register.getMetricsAsArray()).toEqual([]);
  });

  it('reads the shared DLQ gauges from the oldest module still open', async () => {
    const dlqOf = (total: number): DlqStatsSource => ({
      enabled: true,
      bufferedCount: 0,
      getStats: () => Promise.resolve({ total, oldestAgeSeconds: 1 } as DlqStats),
    });
    const running: MetricsTestModule[] = [];
    const entries = (): Promise<string> => register.getSingleMetricAsString('fastmcp_dlq_entries');
    try {
      running.push(await createMetricsTestModule({ registry: 'default', dlq: dlqOf(5) }));
      running.push(await createMetricsTestModule({ registry: 'default', dlq: dlqOf(7) }));
      expect(await entries()).toContain('fastmcp_dlq_entries 5');
      await running.shift()?.moduleRef.close();
      expect(await entries()).toContain('fastmcp_dlq_entries 7');
    } finally {
      for (const { moduleRef } of running.splice(0)) await moduleRef.close();
    }
  });

  it('fails start-up naming each metric registered with another type or labels', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'fastmcp_operations_total',
      help: 'x',
      labelNames: ['operation', 'status'],
      registers: [registry],
    });
    new Counter({
      name: 'fastmcp_retry_attempts_total',
      help: 'x',
      labelNames: ['operation'],
      registers: [registry],
    });
    new Counter({ name: 'fastmcp_dlq_operations_total', help: 'x', registers: [registry] });
    const error: unknown = await createMetricsTestModule({ registry }).catch((e: unknown) => e);
    expect(isFastMcpConfigError(error)).toBe(true);
    if (!isFastMcpConfigError(error)) return;
    expect(error.issues.map((issue) => issue.message.split(' is ')[0])).toEqual([
      'metric fastmcp_retry_attempts_total',
      'metric fastmcp_operations_total',
    ]);
    expect(error.issues[0]).toEqual({
      field: 'metrics.namespace',
      message: expect.stringContaining(
        'already registered in the metrics registry with another type or labels',
      ) as string,
    });
  });

  it('counts into a same-shaped metric the app registered itself', async () => {
    const registry = new Registry();
    new Counter({
      name: 'fastmcp_operations_total',
      help: 'the app’s own',
      labelNames: ['operation', 'status'],
      registers: [registry],
    });
    const { moduleRef, events } = await createMetricsTestModule({ registry });
    emitScriptedRun(events);
    expect(await registry.getSingleMetricAsString('fastmcp_operations_total')).toContain(
      'fastmcp_operations_total{operation="call_tool",status="success"} 1\n',
    );
    // The app's metric stays the app's: the module takes out only what it created.
    await moduleRef.close();
    expect(registry.getMetricsAsArray().map((metric) => metric.name)).toEqual([
      'fastmcp_operations_total',
    ]);
  });

  it('shares a registry between modules with different namespaces', async () => {
    const registry = new Registry();
    await boot({ registry });
    await boot({ registry, options: { metrics: { namespace: 'other_mcp' } } });
    expect(registry.getMetricsAsArray()).toHaveLength(2 * METRIC_COUNT);
  });

  it('lets a new module register again once the previous one closed', async () => {
    const registry = new Registry();
    const first = await createMetricsTestModule({ registry });
    await first.moduleRef.close();
    expect(registry.getMetricsAsArray()).toEqual([]);
    await boot({ registry });
    expect(registry.getMetricsAsArray()).toHaveLength(METRIC_COUNT);
  });
});
