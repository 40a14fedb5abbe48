import { type INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createMCPClient } from '@ai-sdk/mcp';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as StreamableHTTPClientTransportV2,
} from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AxiosAdapter } from 'axios';
import { Registry } from 'prom-client';
import {
  EnhancedFastMcpService,
  FASTMCP_METRICS_REGISTRY,
  FastMcpModule,
  type FastMcpModuleOptions,
} from '@app/fastmcp';
import {
  axiosOverMinimalUndiciSender,
  axiosSender,
  nodeHttpSender,
  type RawSender,
} from './raw-http-senders.js';
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
    // Nothing kept across runs: the in-memory DLQ is not spilled to a file at close.
    dlq: options.dlq && { spillFile: false, ...options.dlq },
    extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }],
  });
  const app = await NestFactory.createApplicationContext(module, { logger: false });
  return { app, client: app.get(EnhancedFastMcpService), registry };
}

/**
 * callToolWithRetry: retries, metrics (own Registry) and the in-memory DLQ on; tracing on by
 * default (no tracer provider is registered in the bench, so no span records).
 */
export async function fastMcpClient(
  url: string,
  { clientId = 'bench', tracing = true }: { clientId?: string; tracing?: boolean } = {},
): Promise<BenchClient> {
  const { app, client } = await bootFastMcp({ baseUrl: url, metrics: {}, dlq: {}, tracing });
  await client.connectWithRetry(clientId);
  return {
    name: tracing ? 'fastmcp callToolWithRetry' : 'fastmcp, tracing: false',
    call: (text) => client.callToolWithRetry(clientId, 'echo', { text }),
    close: () => app.close(),
  };
}

/** The official SDK 1.x: Client + StreamableHTTPClientTransport. */
export async function sdkClient(url: string): Promise<BenchClient> {
  const client = new Client({ name: 'bench-sdk', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return {
    name: 'SDK 1.x Client',
    call: (text) => client.callTool({ name: 'echo', arguments: { text } }),
    close: () => client.close(),
  };
}

/** The official v2 client, `@modelcontextprotocol/client`. */
export async function sdkV2Client(
  url: string,
  { name = 'SDK v2 Client', options }: { name?: string; options?: ClientV2Options } = {},
): Promise<BenchClient> {
  const client = new ClientV2({ name: 'bench-sdk-v2', version: '1.0.0' }, options);
  await client.connect(new StreamableHTTPClientTransportV2(new URL(url)));
  return {
    name,
    call: (text) => client.callTool({ name: 'echo', arguments: { text } }),
    close: () => client.close(),
  };
}

/** `@ai-sdk/mcp`'s client (the 1.x line, which runs on Node 20): its `echo` tool's `execute`. */
type ClientV2Options = ConstructorParameters<typeof ClientV2>[1];

export async function aiSdkClient(url: string): Promise<BenchClient> {
  const client = await createMCPClient({ transport: { type: 'http', url } });
  const tools = await client.tools();
  const echo = tools.echo;
  if (!echo?.execute) throw new Error('@ai-sdk/mcp: no echo tool');
  const execute = echo.execute.bind(echo);
  let calls = 0;
  return {
    name: 'AI SDK MCP client',
    call: async (text) => execute({ text }, { toolCallId: `c${(calls += 1)}`, messages: [] }),
    close: () => client.close(),
  };
}

/** Hand-written JSON-RPC over a keep-alive sender, on one session. */
async function rawClient(url: string, sender: RawSender): Promise<BenchClient> {
  const client = new RawMcpClient(url, sender);
  await client.connect();
  return {
    name: sender.name,
    call: (text) => client.callTool('echo', { text }),
    close: () => Promise.resolve(client.close()),
  };
}

/** Raw MCP over axios with its default adapter and a keep-alive agent. */
export const rawAxiosClient = (url: string): Promise<BenchClient> => rawClient(url, axiosSender());

/** Raw MCP over axios and a minimal undici adapter: the most a client on axios can reach. */
export const rawAxiosMinimalUndiciClient = (url: string): Promise<BenchClient> =>
  rawClient(url, axiosOverMinimalUndiciSender());

/** Raw MCP over `node:http` with a keep-alive agent: the practical limit. */
export const rawNodeHttpClient = (url: string): Promise<BenchClient> =>
  rawClient(url, nodeHttpSender());

/** Raw MCP over axios with a given adapter (the module's lean one, to weigh axios's core). */
export const rawAxiosWith = (
  url: string,
  adapter: AxiosAdapter,
  name: string,
): Promise<BenchClient> => rawClient(url, axiosSender(adapter, name));
