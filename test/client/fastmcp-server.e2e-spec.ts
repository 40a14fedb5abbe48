import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EnhancedFastMcpService,
  FastMcpModule,
  McpProtocolError,
  type FastMcpModuleOptions,
} from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { startFastMcpServer, type FastMcpServerHandle } from '../support/fastmcp-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { FAST_RETRY } from '../support/client-test-app.js';

@Injectable()
class ServerUrls {
  constructor(readonly values: Record<string, string>) {}
}

/** A NestJS app as a user writes it: forRootAsync with config from another provider. */
async function bootUserApp(urls: Record<string, string>): Promise<TestingModule> {
  @Module({
    providers: [{ provide: ServerUrls, useValue: new ServerUrls(urls) }],
    exports: [ServerUrls],
  })
  class ConfigModule {}

  const moduleRef = await Test.createTestingModule({
    imports: [
      FastMcpModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ServerUrls],
        useFactory: (config: ServerUrls): FastMcpModuleOptions => ({
          servers: Object.fromEntries(
            Object.entries(config.values).map(([id, url]) => [id, { url }]),
          ),
          retry: FAST_RETRY,
          metrics: false,
          // No spill file at close: the working directory stays clean.
          dlq: { spillFile: false },
        }),
      }),
    ],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('a NestJS app using FastMcpModule.forRootAsync against both real servers', () => {
  let fastmcp: FastMcpServerHandle;
  let sdk: DemoMcpServerHandle;
  let proxy: FaultProxy;
  let moduleRef: TestingModule;
  let client: EnhancedFastMcpService;

  beforeAll(async () => {
    [fastmcp, sdk] = await Promise.all([startFastMcpServer(), startDemoMcpServer()]);
    proxy = await startFaultProxy(fastmcp.url);
    moduleRef = await bootUserApp({ fast: proxy.url, sdk: sdk.url });
    client = moduleRef.get(EnhancedFastMcpService);
    // fastmcp's stateful initialize takes about a second: connect once and reuse the session.
    await Promise.all([client.connectWithRetry('fast'), client.connectWithRetry('sdk')]);
  }, 30_000);

  afterAll(async () => {
    await moduleRef?.close();
    await proxy?.close();
    await Promise.all([fastmcp?.close(), sdk?.close()]);
  });

  it('connects to both, with a session each', () => {
    expect(client.getSession('fast')?.sessionId).toBeTruthy();
    expect(client.getSession('sdk')?.sessionId).toBeTruthy();
    expect(client.getSession('fast')?.serverInfo.name).toBe('fastmcp-test-server');
  });

  it('lists and calls the tools of the fastmcp server', async () => {
    const tools = await client.listToolsWithRetry('fast');
    expect(tools.map((t) => t.name).sort()).toEqual(['add', 'echo']);
    const result = await client.callToolWithRetry('fast', 'add', { a: 20, b: 22 });
    expect(result.content).toEqual([{ type: 'text', text: '42' }]);
    const sdkResult = await client.callToolWithRetry('sdk', 'echo', { text: 'both' });
    expect(sdkResult.content).toEqual([{ type: 'text', text: 'both' }]);
  });

  it('comes through 503s in front of the fastmcp server', async () => {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 2 });
    const result = await client.callToolWithRetry('fast', 'echo', { text: 'through' });
    expect(result.content).toEqual([{ type: 'text', text: 'through' }]);
  });

  it('turns JSON-RPC errors into McpProtocolError with their code, without retry', async () => {
    proxy.clearRequests();
    const unknown = await client
      .callToolWithRetry('fast', 'no_such_tool', {})
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(McpProtocolError);
    expect((unknown as McpProtocolError).code).toBe(-32601);
    const badArgs = await client
      .callToolWithRetry('fast', 'add', { a: 'x' })
      .catch((e: unknown) => e);
    expect(badArgs).toBeInstanceOf(McpProtocolError);
    expect((badArgs as McpProtocolError).code).toBe(-32602);
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(2);
  });

  it('re-initialises with the fastmcp server after it loses the session', async () => {
    proxy.clearRequests();
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.dropSession(), times: 1 });
    const result = await client.callToolWithRetry('fast', 'echo', { text: 'renewed' });
    expect(result.content).toEqual([{ type: 'text', text: 'renewed' }]);
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'initialize')).toHaveLength(1);
  });
});
