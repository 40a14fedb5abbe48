import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EnhancedFastMcpService,
  FastMcpModule,
  DLQ_OPERATION_NAMES,
  McpAbortedError,
  OPERATION_NAMES,
} from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { FASTMCP_METRICS_REGISTRY } from '../../libs/fastmcp/src/metrics/fastmcp-metrics.constants.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { checkMetricsText } from '../support/metrics/promtool.js';

const CALL = { method: 'tools/call' } as const;

const series = (text: string, name: string): string[] =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

describe('metrics and logs of real calls (SDK server behind the fault proxy)', () => {
  let server: DemoMcpServerHandle;
  let proxy: FaultProxy;
  let moduleRef: TestingModule;
  const registry = new Registry();

  beforeAll(async () => {
    server = await startDemoMcpServer({ stateful: true });
    proxy = await startFaultProxy(server.url);
    moduleRef = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRoot({
          servers: { demo: { url: proxy.url } },
          retry: { initialDelayMs: 2, maxDelayMs: 20, requestTimeoutMs: 2000 },
          dlq: false,
          extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }],
        }),
      ],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await proxy?.close();
    await server?.close();
  });

  it('counts two 503 retries and one success, and logs each retry', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const client = moduleRef.get(EnhancedFastMcpService);
    await client.connectWithRetry('demo');
    proxy.inject({ match: CALL, fault: faults.status(503), times: 2 });
    await client.callToolWithRetry('demo', 'echo', { text: 'secret-argument' });

    const text = await registry.metrics();
    expect(series(text, 'fastmcp_retry_attempts_total')).toEqual([
      'fastmcp_retry_attempts_total{operation="call_tool",reason="http_503"} 2',
    ]);
    expect(series(text, 'fastmcp_operations_total')).toEqual([
      'fastmcp_operations_total{operation="connect",status="success"} 1',
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
    // Delays of 2 ms and 4 ms (+/-10 %): both between 1 ms and 10 ms.
    expect(series(text, 'fastmcp_retry_backoff_seconds_bucket').slice(0, 3)).toEqual([
      'fastmcp_retry_backoff_seconds_bucket{le="0.001",operation="call_tool"} 0',
      'fastmcp_retry_backoff_seconds_bucket{le="0.01",operation="call_tool"} 2',
      'fastmcp_retry_backoff_seconds_bucket{le="0.1",operation="call_tool"} 2',
    ]);
    expect(series(text, 'fastmcp_operation_duration_seconds_count')).toEqual([
      'fastmcp_operation_duration_seconds_count{operation="connect"} 1',
      'fastmcp_operation_duration_seconds_count{operation="call_tool"} 1',
    ]);
    expect(series(text, 'fastmcp_inflight_operations')).toContain(
      'fastmcp_inflight_operations{operation="call_tool"} 0',
    );
    expect(checkMetricsText(text)).toEqual({ status: 0, output: '' });

    const lines = warn.mock.calls.map(([message]) => String(message));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^Retry 1\/3 for call_tool after [23]ms \(error: HTTP 503, cumulative time: \d+ms\)$/,
    );
    expect(lines[1]).toMatch(/^Retry 2\/3 for call_tool after [45]ms /);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('secret-argument');
  });

  it('counts a call the caller aborted as aborted, not as an error', async () => {
    const client = moduleRef.get(EnhancedFastMcpService);
    await client.connectWithRetry('demo');
    const callTool = async (status: string): Promise<string[]> =>
      series(await registry.metrics(), 'fastmcp_operations_total').filter((line) =>
        line.startsWith(`fastmcp_operations_total{operation="call_tool",status="${status}"}`),
      );
    const errorsBefore = await callTool('error');
    proxy.inject({ match: CALL, fault: faults.hang(), times: 1 });
    const caller = new AbortController();
    const call = client
      .callToolWithRetry('demo', 'echo', { text: 'x' }, { signal: caller.signal })
      .catch((e: unknown) => e);
    caller.abort();
    expect((await call) as Error).toBeInstanceOf(McpAbortedError);
    expect(await callTool('aborted')).toEqual([
      'fastmcp_operations_total{operation="call_tool",status="aborted"} 1',
    ]);
    expect(await callTool('error')).toEqual(errorsBefore);
  });

  it('counts every call that may have run as delivery unknown, not only a retry withheld', async () => {
    const client = moduleRef.get(EnhancedFastMcpService);
    await client.connectWithRetry('demo');
    const unknown = async (): Promise<string[]> =>
      series(await registry.metrics(), 'fastmcp_delivery_unknown_total');
    const before = await unknown();
    // A retryable 502 (retry withheld), a 524 (not retryable), and the budget ending on a hang.
    proxy.inject({ match: CALL, fault: faults.status(502), times: 1 });
    const withheld = await client
      .callToolWithRetry('demo', 'echo', { text: 'a' })
      .catch((e: unknown) => e);
    proxy.inject({ match: CALL, fault: faults.status(524), times: 1 });
    const status = await client
      .callToolWithRetry('demo', 'echo', { text: 'b' })
      .catch((e: unknown) => e);
    proxy.inject({ match: CALL, fault: faults.hang(), times: 1 });
    const budget = await client
      .callToolWithRetry('demo', 'echo', { text: 'c' }, { maxTotalTimeoutMs: 300 })
      .catch((e: unknown) => e);
    expect([withheld, status, budget].map((e) => (e as { delivery?: string }).delivery)).toEqual([
      'unknown',
      'unknown',
      'unknown',
    ]);
    expect(before).toEqual([]);
    expect(await unknown()).toEqual(['fastmcp_delivery_unknown_total{operation="call_tool"} 3']);
  });
});
