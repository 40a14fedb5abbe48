import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  startTypedOutputServer,
  TYPED_OUTPUT_TOOLS,
  type TypedOutputServerHandle,
} from '../support/era-server/typed-output-server.js';
import { startRawMcpServer } from '../support/raw-mcp-server/raw-mcp-server.js';
import type { RawMcpServerHandle } from '../support/raw-mcp-server/raw-mcp-server.interface.js';
import { type RawModernServerHandle, startRawModernServer } from '../support/raw-modern-server.js';

const TYPED = Object.keys(TYPED_OUTPUT_TOOLS) as (keyof typeof TYPED_OUTPUT_TOOLS)[];

describe('output schemas that are not objects (SDK v2 server)', () => {
  let server: TypedOutputServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startTypedOutputServer();
    app = await startClientApp({
      servers: {
        modern: { url: server.url },
        legacy: { url: server.url, protocolVersion: '2025-11-25' },
      },
      dlq: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('2026-07-28: lists tools whose outputSchema is an array, a string, anyOf or nullable', async () => {
    const tools = await app.client.listToolsWithRetry('modern');
    expect(app.client.getSession('modern')?.era).toBe('modern');
    expect(tools.map((t) => t.name).sort()).toEqual([...TYPED, 'plain'].sort());
    const names = tools.find((t) => t.name === 'names');
    expect(names?.outputSchema).toMatchObject({ type: 'array', items: { type: 'string' } });
  });

  it.each(TYPED)(
    '2026-07-28: the structuredContent of %s is checked against its schema and returned',
    async (name) => {
      const listed = await app.client.listToolsWithRetry('modern');
      expect(listed.map((t) => t.name)).toContain(name);
      const result = await app.client.callToolWithRetry('modern', name, {});
      expect(result.structuredContent).toEqual(TYPED_OUTPUT_TOOLS[name].value);
    },
  );

  it('2025-11-25: the server wraps each schema in an object, and the client checks that', async () => {
    const tools = await app.client.listToolsWithRetry('legacy');
    expect(app.client.getSession('legacy')?.era).toBe('legacy');
    expect(tools.map((t) => t.name).sort()).toEqual([...TYPED, 'plain'].sort());
    const result = await app.client.callToolWithRetry('legacy', 'names', {});
    expect(result.structuredContent).toEqual({ result: TYPED_OUTPUT_TOOLS.names.value });
  });
});

describe('2025-11-25: an outputSchema must be an object (raw 2025 server)', () => {
  let server: RawMcpServerHandle;
  let app: ClientTestApp;

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('skips a tool whose outputSchema is an array, as the 2025 schema asks', async () => {
    const names = {
      name: 'names',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'array', items: { type: 'string' } },
    };
    const plain = { name: 'plain', inputSchema: { type: 'object' } };
    server = await startRawMcpServer({ toolPages: [[names, plain]] });
    app = await startClientApp({ servers: { raw: { url: server.url } }, dlq: false });
    const tools = await app.client.listToolsWithRetry('raw');
    expect(app.client.getSession('raw')?.era).toBe('legacy');
    expect(tools.map((t) => t.name)).toEqual(['plain']);
  });
});

/** One tool on a raw 2026-07-28 server, listed by a client app; each call is answered `answer`. */
class OneToolServer {
  server?: RawModernServerHandle;
  app?: ClientTestApp;

  async start(
    tool: Record<string, unknown>,
    answer: Record<string, unknown>,
  ): Promise<ClientTestApp> {
    this.server = await startRawModernServer((message) => {
      if (message.method === 'tools/list') return { resultType: 'complete', tools: [tool] };
      if (message.method === 'tools/call') return { resultType: 'complete', ...answer };
      return undefined;
    });
    this.app = await startClientApp({ servers: { raw: { url: this.server.url } }, dlq: false });
    await this.app.client.listToolsWithRetry('raw');
    return this.app;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.server?.close();
    this.app = this.server = undefined;
  }
}

describe('structuredContent against a non-object outputSchema (raw 2026-07-28 server)', () => {
  const raw = new OneToolServer();
  afterEach(() => raw.close());

  /** `names` promises an array of strings; it answers `answer` to each call. */
  const NAMES = {
    name: 'names',
    inputSchema: { type: 'object' },
    outputSchema: { type: 'array', items: { type: 'string' } },
  };
  const start = (answer: Record<string, unknown>) => raw.start(NAMES, answer);

  it('a result that breaks the schema is a McpProtocolError, not sent again', async () => {
    const app = await start({ content: [], structuredContent: { not: 'an array' } });
    const error = await app.client.callToolWithRetry('raw', 'names', {}).catch((e: unknown) => e);
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as Error).message).toMatch(/does not match its outputSchema/);
    expect(raw.server?.requestsOf('tools/call')).toHaveLength(1);
  });

  it('a result with no structuredContent is a McpProtocolError', async () => {
    const app = await start({ content: [{ type: 'text', text: 'x' }] });
    const error = await app.client.callTool('raw', 'names', {}).catch((e: unknown) => e);
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as Error).message).toMatch(/returned no structuredContent/);
  });

  it('an isError result is not checked', async () => {
    const app = await start({ content: [], structuredContent: 3, isError: true });
    const result = await app.client.callTool('raw', 'names', {});
    expect(result).toMatchObject({ isError: true, structuredContent: 3 });
  });
});

describe('output schemas in the dialect they declare (raw 2026-07-28 server)', () => {
  const raw = new OneToolServer();
  afterEach(() => raw.close());

  /** `pair` promises a string then a number, in `outputSchema`; it answers `structured`. */
  async function callPair(outputSchema: Record<string, unknown>, structured: unknown) {
    const pair = { name: 'pair', inputSchema: { type: 'object' }, outputSchema };
    const app = await raw.start(pair, { content: [], structuredContent: structured });
    return app.client.callTool('raw', 'pair', {}).catch((e: unknown) => e);
  }

  const TUPLE_2020 = {
    type: 'array',
    prefixItems: [{ type: 'string' }, { type: 'number' }],
    items: false,
  };
  const TUPLE_DRAFT_07 = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'array',
    items: [{ type: 'string' }, { type: 'number' }],
    additionalItems: false,
  };

  it('checks 2020-12 keywords (prefixItems) when no $schema is given', async () => {
    const refused = await callPair(TUPLE_2020, [1, 'a']);
    expect(isMcpProtocolError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/does not match its outputSchema/);
    await raw.close();
    expect(await callPair(TUPLE_2020, ['a', 1])).toMatchObject({ structuredContent: ['a', 1] });
  });

  it('checks a schema that declares draft-07 as draft-07 (tuple items)', async () => {
    const refused = await callPair(TUPLE_DRAFT_07, ['a', 1, 'extra']);
    expect(isMcpProtocolError(refused)).toBe(true);
    await raw.close();
    expect(await callPair(TUPLE_DRAFT_07, ['a', 1])).toMatchObject({ structuredContent: ['a', 1] });
  });
});
