import { Test, type TestingModule } from '@nestjs/testing';
import { register, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterQueueService } from '../dlq/core/dead-letter-queue.service.js';
import type { FailedOperationInput } from '../dlq/core/failed-operation.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { FastMcpModule } from '../fastmcp.module.js';
import type { FastMcpModuleOptions } from '../options/fastmcp-options.interface.js';
import { FASTMCP_METRICS_REGISTRY } from './fastmcp-metrics.constants.js';

const failed: FailedOperationInput = {
  operation: 'call_tool',
  clientId: 'client-1',
  serverUrl: 'http://127.0.0.1:1/mcp',
  toolName: 'echo',
  request: { method: 'tools/call', headers: {} },
  error: 'max retries exceeded',
  errorClass: 'http_503',
  attempts: [],
  retryCount: 3,
  firstAttemptAt: new Date().toISOString(),
  failedAt: new Date().toISOString(),
};

describe('FastMcpModule metrics', () => {
  const open: TestingModule[] = [];
  const boot = async (
    options: FastMcpModuleOptions,
    registry?: Registry,
    async = false,
  ): Promise<TestingModule> => {
    // The in-memory DLQ is not kept in a file at close, so no boot imports another's entries.
    options = {
      ...options,
      dlq: options.dlq === false ? false : { spillFile: false, ...options.dlq },
    };
    const extraProviders = registry
      ? [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }]
      : [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        async
          ? FastMcpModule.forRootAsync({ useFactory: () => options, extraProviders })
          : FastMcpModule.forRoot({ ...options, extraProviders }),
      ],
    }).compile();
    await moduleRef.init();
    open.push(moduleRef);
    return moduleRef;
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map((moduleRef) => moduleRef.close()));
  });

  it('two apps with their own registries (extraProviders) neither share nor clash', async () => {
    const [registryA, registryB] = [new Registry(), new Registry()];
    const a = await boot({}, registryA);
    const b = await boot({}, registryB, true);
    expect(a.get(FASTMCP_METRICS_REGISTRY)).toBe(registryA);
    expect(b.get(FASTMCP_METRICS_REGISTRY)).toBe(registryB);

    await a.get(DeadLetterQueueService).store(failed);
    a.get(FastMcpEvents).emit('operation.succeeded', {
      ...{ operation: 'connect', clientId: 'client-1', durationMs: 12, attempts: 1 },
    });

    const textA = await registryA.metrics();
    expect(textA).toContain('fastmcp_dlq_operations_total 1\n');
    expect(textA).toContain('fastmcp_dlq_entries 1\n');
    expect(textA).toContain('fastmcp_operations_total{operation="connect",status="success"} 1\n');
    const textB = await registryB.metrics();
    expect(textB).toContain('fastmcp_dlq_operations_total 0\n');
    expect(textB).toContain('fastmcp_dlq_entries 0\n');
    expect(textB).toContain('fastmcp_operations_total{operation="connect",status="success"} 0\n');
  });

  it("uses prom-client's global registry by default and cleans it on close", async () => {
    const moduleRef = await boot({ metrics: { namespace: 'fastmcp_default_test' } });
    expect(moduleRef.get(FASTMCP_METRICS_REGISTRY)).toBe(register);
    expect(register.getSingleMetric('fastmcp_default_test_operations_total')).toBeDefined();
    await open.pop()?.close();
    expect(register.getSingleMetric('fastmcp_default_test_operations_total')).toBeUndefined();
  });

  it('registers no metric when metrics are off', async () => {
    const registry = new Registry();
    const moduleRef = await boot({ metrics: false }, registry);
    await moduleRef.get(DeadLetterQueueService).store(failed);
    expect(registry.getMetricsAsArray()).toEqual([]);
  });
});
