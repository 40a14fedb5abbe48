import { type INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Registry } from 'prom-client';
import {
  EnhancedFastMcpService,
  FASTMCP_METRICS_REGISTRY,
  FastMcpModule,
  type FastMcpModuleOptions,
} from '@app/fastmcp';
import { RawMcpClient } from './raw-mcp-client.js';

/** One way of calling a tool, as the call-overhead comparison sees it. */
export interface BenchClient {
  readonly name: string;
  call(text: string): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Boots FastMcpModule the way an app does (NestFactory application context, Nest logs off) with
 * the production features on: default retry policy, metrics in their own Registry, a DLQ.
 */
export async function bootFastMcp(
  options: FastMcpModuleOptions,
): Promise<{ app: INestApplicationContext; client: EnhancedFastMcpService; registry: Registry }> {
  Logger.overrideLogger(false);
  const registry = new Registry();
  const module = FastMcpModule.forRoot({
    ...options,
    extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }],
  });
  const app = await NestFactory.createApplicationContext(module, { logger: false });
  return { app, client: app.get(EnhancedFastMcpService), registry };
}

/** callToolWithRetry: retries, metrics (own Registry) and the in-memory DLQ on. */
export async function fastMcpClient(url: string, clientId = 'bench'): Promise<BenchClient> {
  const { app, client } = await bootFastMcp({ baseUrl: url, metrics: {}, dlq: {} });
  await client.connectWithRetry(clientId);
  return {
    name: 'fastmcp callToolWithRetry',
    call: (text) => client.callToolWithRetry(clientId, 'echo', { text }),
    close: () => app.close(),
  };
}

/** The official SDK: Client + StreamableHTTPClientTransport. */
export async function sdkClient(url: string): Promise<BenchClient> {
  const client = new Client({ name: 'bench-sdk', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return {
    name: 'SDK Client',
    call: (text) => client.callTool({ name: 'echo', arguments: { text } }),
    close: () => client.close(),
  };
}

/** Hand-written JSON-RPC over axios with a keep-alive agent, on one session. */
export async function rawClient(url: string): Promise<BenchClient> {
  const client = new RawMcpClient(url);
  await client.connect();
  return {
    name: 'raw HTTP (axios)',
    call: (text) => client.callTool('echo', { text }),
    close: () => Promise.resolve(client.close()),
  };
}
