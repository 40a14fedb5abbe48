// JSON a server nests 50,000 levels deep (~100 KB) overflowed zod, Ajv or JSON.stringify: the
// listing or the connect failed with "FastMcpError: unexpected failure: RangeError". Now a tool
// nested too deep is skipped like any invalid tool, a discover result nested too deep is a
// McpProtocolError, and a page of too many tools is a McpProtocolError.
import { afterEach, expect, it } from 'vitest';
import { isMcpProtocolError, type McpProtocolError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  deepArrayJson,
  rawModernResult,
  startHostileToolServer,
} from '../support/hostile-tool-server.js';
import { startRawModernServer } from '../support/raw-modern-server.js';

const DEEP = deepArrayJson(50_000);
const OK_TOOL = '{"name":"ok","inputSchema":{"type":"object"}}';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function appFor(url: string, logger?: CapturingLogger): Promise<ClientTestApp> {
  const app = await startClientApp({ servers: { h: { url } } }, logger);
  closers.push(() => app.close());
  return app;
}

const failureOf = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error as McpProtocolError,
  );

it('2026-07-28: a tool whose inputSchema nests 50k levels is skipped with the WARN', async () => {
  const deepTool = `{"name":"deep","inputSchema":{"type":"object","properties":{"a":${DEEP}}}}`;
  const server = await startRawModernServer((m) =>
    m.method === 'tools/list'
      ? rawModernResult(`{"resultType":"complete","tools":[${OK_TOOL},${deepTool}]}`)
      : undefined,
  );
  closers.push(() => server.close());
  const logger = new CapturingLogger();
  const app = await appFor(server.url, logger);
  const tools = await app.client.listToolsWithRetry('h');
  expect(tools.map((t) => t.name)).toEqual(['ok']);
  expect(logger.messages()).toContain('Skipped 1 invalid tool(s) from h: deep');
});

it('2025 era: a tool whose outputSchema nests 50k levels is skipped with the WARN', async () => {
  const deepTool =
    `{"name":"deep","inputSchema":{"type":"object"},` +
    `"outputSchema":{"type":"object","properties":{"a":{"x":${DEEP}}}}}`;
  const server = await startHostileToolServer({
    listing: () => `{"tools":[${OK_TOOL},${deepTool}]}`,
  });
  closers.push(() => server.close());
  const logger = new CapturingLogger();
  const app = await appFor(server.url, logger);
  const tools = await app.client.listToolsWithRetry('h');
  expect(tools.map((t) => t.name)).toEqual(['ok']);
  expect(logger.messages()).toContain('Skipped 1 invalid tool(s) from h: deep');
  expect(server.count('tools/list')).toBe(1);
});

it('server/discover nesting 50k levels: the connect fails with McpProtocolError, once', async () => {
  const server = await startRawModernServer((m) =>
    m.method === 'server/discover'
      ? rawModernResult(
          `{"resultType":"complete","supportedVersions":["2026-07-28"],` +
            `"capabilities":{"tools":{},"logging":{"x":${DEEP}}}}`,
        )
      : undefined,
  );
  closers.push(() => server.close());
  const app = await appFor(server.url);
  const error = await failureOf(app.client.connectWithRetry('h'));
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error?.message).toBe(
    'MCP error -32603: the server/discover result nests deeper than 256 levels',
  );
  expect(error?.clientId).toBe('h');
  // Not retried: the same answer would come back.
  expect(server.requestsOf('server/discover')).toHaveLength(1);
});

/** A page of `count` tools, each `{"name":"t<i>","inputSchema":{"type":"object"}}`. */
const pageOf = (count: number): string =>
  `{"tools":[${Array.from({ length: count }, (_, i) => `{"name":"t${i}","inputSchema":{"type":"object"}}`).join(',')}]}`;

it('a page of 150,000 tools fails with McpProtocolError (it overflowed a spread)', async () => {
  const page = pageOf(150_000);
  const server = await startHostileToolServer({ listing: () => page });
  closers.push(() => server.close());
  const app = await appFor(server.url);
  const error = await failureOf(app.client.listToolsWithRetry('h'));
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error?.message).toBe(
    'MCP error -32603: the tools/list page holds 150000 tools, more than 10000',
  );
  expect(server.count('tools/list')).toBe(1);
});

it('a page of 10,000 tools is listed', async () => {
  const page = pageOf(10_000);
  const server = await startHostileToolServer({ listing: () => page });
  closers.push(() => server.close());
  const app = await appFor(server.url);
  const tools = await app.client.listTools('h');
  expect(tools).toHaveLength(10_000);
  expect(tools.at(-1)?.name).toBe('t9999');
});
