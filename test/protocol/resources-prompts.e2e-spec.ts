// Resources, resource templates, prompts and completions, read through the client from real
// servers: the official SDK 1.x (the sample's demo server), @modelcontextprotocol/server 2.x in
// each era, and the fastmcp package; then retries, pagination and limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  DLQ_OPERATION_NAMES,
  FastMcpConfigError,
  isMcpProtocolError,
  OPERATION_NAMES,
  type OperationSucceededEvent,
  RetryExhaustedError,
} from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startEraServer, type EraServerHandle } from '../support/era-server/era-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startFastMcpServer } from '../support/fastmcp-server.js';
import type { RawMessage } from '../support/raw-mcp-server/raw-mcp-server.interface.js';
import {
  type ScriptedMcpServerHandle,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

interface ContentServer {
  url: string;
  readme: string;
  era: 'legacy' | 'modern';
  close(): Promise<void>;
}

const SERVERS: Array<[string, () => Promise<ContentServer>]> = [
  [
    'the official SDK 1.x (the sample demo server)',
    async () => {
      const demo = await startDemoMcpServer({ flakyFailures: 0 });
      return { url: demo.url, readme: '# Demo server', era: 'legacy', close: () => demo.close() };
    },
  ],
  [
    '@modelcontextprotocol/server 2.x, 2026-07-28 only',
    async () => {
      const server = await startEraServer('modern');
      return { ...server, readme: '# Readme (modern)', era: 'modern' };
    },
  ],
  [
    '@modelcontextprotocol/server 2.x, 2025 only',
    async () => {
      const server = await startEraServer('legacy');
      return { ...server, readme: '# Readme (legacy)', era: 'legacy' };
    },
  ],
];

describe.each(SERVERS)('resources, prompts and completions from %s', (_, start) => {
  let server: ContentServer;
  let app: ClientTestApp;
  const succeeded: OperationSucceededEvent[] = [];

  beforeAll(async () => {
    server = await start();
    app = await startClientApp({ servers: { content: { url: server.url } }, dlq: false });
    app.events.on('operation.succeeded', (event) => succeeded.push(event));
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('lists resources and templates, and reads a resource and a templated one', async () => {
    const resources = await app.client.listResourcesWithRetry('content');
    // The demo server has its counter too.
    const others = resources.filter((resource) => resource.uri !== 'counter://hits');
    expect(others).toEqual([expect.objectContaining({ uri: 'docs://readme', name: 'readme' })]);
    const templates = await app.client.listResourceTemplatesWithRetry('content');
    expect(templates).toEqual([
      expect.objectContaining({ uriTemplate: 'users://{id}/profile', name: 'profile' }),
    ]);
    const readme = await app.client.readResourceWithRetry('content', 'docs://readme');
    expect(readme.contents).toEqual([
      expect.objectContaining({ uri: 'docs://readme', text: server.readme }),
    ]);
    const profile = await app.client.readResourceWithRetry('content', 'users://alice/profile');
    expect(JSON.parse((profile.contents[0] as { text: string }).text)).toEqual({ id: 'alice' });
    expect(app.client.getSession('content')?.era).toBe(server.era);
  });

  it('lists and gets a prompt, and completes its argument and a template variable', async () => {
    const prompts = await app.client.listPromptsWithRetry('content');
    expect(prompts.map((p) => [p.name, p.arguments?.map((a) => a.name)])).toEqual([
      ['review', ['code', 'language']],
    ]);
    const prompt = await app.client.getPromptWithRetry('content', 'review', {
      code: 'x := 1',
      language: 'go',
    });
    expect(prompt.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Review this go: x := 1' } },
    ]);
    const languages = await app.client.completeWithRetry(
      'content',
      { type: 'ref/prompt', name: 'review' },
      { name: 'language', value: 't' },
    );
    expect(languages.completion.values).toEqual(['typescript', 'tcl']);
    const ids = await app.client.completeWithRetry(
      'content',
      { type: 'ref/resource', uri: 'users://{id}/profile' },
      { name: 'id', value: 'al' },
    );
    expect(ids.completion.values).toEqual(['alice', 'albert']);
  });

  it('runs each read as its own operation, in the events (and so the metrics)', () => {
    const operations = new Set(succeeded.map((event) => event.operation));
    const reads = OPERATION_NAMES.filter(
      (name) =>
        !DLQ_OPERATION_NAMES.some((dlq) => dlq === name) &&
        !name.endsWith('subscribe_resource') &&
        name !== 'await_task' &&
        name !== 'list_tasks',
    );
    expect(reads).toHaveLength(6);
    for (const operation of reads) {
      expect(operations, operation).toContain(operation);
    }
  });
});

describe('reads on a 2026-07-28 server', () => {
  let server: EraServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startEraServer('modern');
    app = await startClientApp({ servers: { modern: { url: server.url } }, dlq: false });
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('names the resource or the prompt in Mcp-Name, as the revision asks', async () => {
    await app.client.readResourceWithRetry('modern', 'docs://readme');
    await app.client.getPromptWithRetry('modern', 'review', { code: 'x', language: 'go' });
    const named = (method: string) =>
      server.requests
        .filter((request) => request.body?.method === method)
        .map((request) => [request.headers['mcp-method'], request.headers['mcp-name']]);
    expect(named('resources/read')).toEqual([['resources/read', 'docs://readme']]);
    expect(named('prompts/get')).toEqual([['prompts/get', 'review']]);
  });
});

describe('resources and prompts from the fastmcp package', () => {
  let server: Awaited<ReturnType<typeof startFastMcpServer>>;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startFastMcpServer();
    app = await startClientApp({ servers: { fast: { url: server.url } }, dlq: false });
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('lists and reads its resource, lists and gets its prompt', async () => {
    const resources = await app.client.listResourcesWithRetry('fast');
    expect(resources.map((r) => r.uri)).toEqual(['docs://readme']);
    const readme = await app.client.readResourceWithRetry('fast', 'docs://readme');
    expect(readme.contents[0]).toMatchObject({ uri: 'docs://readme', text: '# fastmcp readme' });
    const prompts = await app.client.listPromptsWithRetry('fast');
    expect(prompts.map((p) => p.name)).toEqual(['review']);
    const prompt = await app.client.getPromptWithRetry('fast', 'review', {
      code: 'puts hi',
      language: 'tcl',
    });
    expect(prompt.messages[0].content).toEqual({ type: 'text', text: 'Review this tcl: puts hi' });
  });
});

describe('reads under the retry policy', () => {
  let demo: Awaited<ReturnType<typeof startDemoMcpServer>>;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  beforeAll(async () => {
    demo = await startDemoMcpServer({ flakyFailures: 0 });
    proxy = await startFaultProxy(demo.url);
    app = await startClientApp({ servers: { demo: { url: proxy.url } }, dlq: {} });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await demo?.close();
  });

  it('retries a read the server refused with 503, and succeeds', async () => {
    proxy.inject({ match: { method: 'resources/read' }, fault: faults.status(503), times: 1 });
    const before = app.retries.length;
    const readme = await app.client.readResourceWithRetry('demo', 'docs://readme');
    expect(readme.contents[0]).toMatchObject({ text: '# Demo server' });
    expect(app.retries.slice(before).map((r) => r.operation)).toEqual(['read_resource']);
  });

  it('ends a read that keeps failing with RetryExhaustedError, and dead-letters nothing', async () => {
    proxy.inject({ match: { method: 'prompts/get' }, fault: faults.status(503), times: 10 });
    const failure = await app.client
      .getPromptWithRetry('demo', 'review', { code: 'x', language: 'go' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryExhaustedError);
    expect((await app.moduleRef.get(DeadLetterQueueService).getStats()).total).toBe(0);
    proxy.clear();
  });

  it('refuses bad input before any request, naming the field', async () => {
    const sent = proxy.requests.length;
    const refused = [
      app.client.readResourceWithRetry('demo', ''),
      app.client.getPromptWithRetry('demo', 'review', { code: 1 as unknown as string }),
      app.client.completeWithRetry('demo', { type: 'ref/tool' } as never, { name: 'a', value: '' }),
      app.client.completeWithRetry('demo', { type: 'ref/prompt', name: 'review' }, {
        name: 'language',
      } as never),
    ];
    const fields = [];
    for (const call of refused) {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FastMcpConfigError);
      fields.push((error as FastMcpConfigError).issues.map((issue) => issue.field));
    }
    expect(fields).toEqual([['uri'], ['arguments.code'], ['ref.type'], ['argument.value']]);
    expect(proxy.requests.length).toBe(sent);
  });
});

describe('paginated reads, and results that are not MCP', () => {
  let server: ScriptedMcpServerHandle;
  let app: ClientTestApp;
  let answers: Record<string, (message: RawMessage) => unknown>;

  beforeAll(async () => {
    server = await startScriptedMcpServer(({ res, message }) => {
      const result = answers[String(message.method)]?.(message) ?? {};
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
    });
    app = await startClientApp({ servers: { paged: { url: server.url } }, dlq: false });
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const resource = (n: number) => ({ uri: `docs://page-${n}`, name: `page-${n}` });
  const cursorOf = (message: RawMessage) =>
    (message.params as { cursor?: string } | undefined)?.cursor;

  it('follows nextCursor to the last page', async () => {
    answers = {
      'resources/list': (message) =>
        cursorOf(message) === undefined
          ? { resources: [resource(1)], nextCursor: 'c1' }
          : { resources: [resource(2)] },
    };
    const resources = await app.client.listResourcesWithRetry('paged');
    expect(resources.map((r) => r.uri)).toEqual(['docs://page-1', 'docs://page-2']);
  });

  it('fails a listing whose server repeats a cursor, rather than follow it for ever', async () => {
    answers = { 'prompts/list': () => ({ prompts: [{ name: 'again' }], nextCursor: 'same' }) };
    const failure = await app.client.listPromptsWithRetry('paged').catch((e: unknown) => e);
    expect(isMcpProtocolError(failure) && failure.message).toBe(
      'MCP error -32603: prompts/list repeated the cursor "same" on page 2',
    );
    expect(server.count('prompts/list')).toBe(2);
  });

  it('fails a result that is not valid MCP with McpProtocolError, not resent', async () => {
    answers = { 'resources/read': () => ({ contents: 'not a list' }) };
    const before = server.count('resources/read');
    const failure = await app.client
      .readResourceWithRetry('paged', 'docs://x')
      .catch((e: unknown) => e);
    expect(isMcpProtocolError(failure) && failure.message).toBe(
      'MCP error -32603: the resources/read result is not valid MCP',
    );
    expect(server.count('resources/read')).toBe(before + 1);
  });
});
