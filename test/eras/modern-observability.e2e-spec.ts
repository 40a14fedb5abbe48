import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isMcpAbortedError } from '@app/fastmcp';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { type PipelineTestApp, startPipelineApp } from '../support/pipeline-test-app.js';

describe('metrics, logs and cancellation do not care which era a server speaks', () => {
  let modern: EraServerHandle;
  let legacy: EraServerHandle;
  let proxy: FaultProxy;
  let app: PipelineTestApp;

  beforeAll(async () => {
    [modern, legacy] = await Promise.all([startEraServer('modern'), startEraServer('legacy')]);
    proxy = await startFaultProxy(modern.url);
    app = await startPipelineApp({
      servers: {
        modern: { url: proxy.url, tools: { echo: { retry: 'always' } } },
        legacy: { url: legacy.url, tools: { echo: { retry: 'always' } } },
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await Promise.all([modern?.close(), legacy?.close()]);
  });

  it('counts operations and retries the same way for both eras', async () => {
    for (const clientId of ['modern', 'legacy']) {
      await app.client.callToolWithRetry(clientId, 'echo', { text: 'count me' });
    }
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 1 });
    await app.client.callToolWithRetry('modern', 'echo', { text: 'after a 503' });
    const ok = { operation: 'call_tool', status: 'success' };
    expect(await app.metric('fastmcp_operations_total', ok)).toBe(3);
    expect(
      await app.metric('fastmcp_retry_attempts_total', {
        operation: 'call_tool',
        reason: 'http_503',
      }),
    ).toBe(1);
    expect((await app.client.connect('modern')).era).toBe('modern');
    expect((await app.client.connect('legacy')).era).toBe('legacy');
  });

  it('cancels a modern call by closing its stream, sending no notifications/cancelled', async () => {
    const error = await app.client
      .callTool('modern', 'wait', {}, { signal: AbortSignal.timeout(300) })
      .catch((e: unknown) => e);
    expect(isMcpAbortedError(error)).toBe(true);
    await vi.waitFor(() => expect(modern.runs.get('wait-cancelled')).toBe(1));
    const methods = proxy.requests.map((r) => r.jsonRpcMethod);
    expect(methods).toContain('tools/call');
    expect(methods).not.toContain('notifications/cancelled');
  });

  it('cancels a 2025-era call with notifications/cancelled, as before', async () => {
    const error = await app.client
      .callTool('legacy', 'wait', {}, { signal: AbortSignal.timeout(300) })
      .catch((e: unknown) => e);
    expect(isMcpAbortedError(error)).toBe(true);
    await vi.waitFor(() => {
      const methods = legacy.requests.map((r) => r.body?.method);
      expect(methods).toContain('notifications/cancelled');
    });
  });
});
