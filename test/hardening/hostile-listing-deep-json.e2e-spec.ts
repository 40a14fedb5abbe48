// JSON a server nests 50,000 levels deep (~100 KB) overflowed zod, Ajv or JSON.stringify: the
// listing or the connect failed with "FastMcpError: unexpected failure: RangeError". Now a tool
// nested too deep is skipped like any invalid tool, a discover result nested too deep is a
// McpProtocolError, and a page of too many tools is a McpProtocolError. A tools/call or
// initialize result nested that deep is valid MCP, but whatever serialises it next (the sample's
// REST reply) overflowed: it is a McpProtocolError too.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { readRequestText } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { isMcpProtocolError, type McpProtocolError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  deepArrayJson,
  rawModernResult,
  startHostileToolServer,
} from '../support/hostile-tool-server.js';
import { startRawModernServer } from '../support/raw-modern-server.js';
import { startScriptedMcpServer } from '../support/scripted-mcp-server.js';

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

it('2025 era: a tools/call result nesting 50k levels fails the call with McpProtocolError, once', async () => {
  const server = await startScriptedMcpServer(({ res, message }) => {
    const result =
      message.method === 'tools/list'
        ? `{"tools":[${OK_TOOL}]}`
        : `{"content":[],"structuredContent":{"a":${DEEP}}}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":${result}}`);
  });
  closers.push(() => server.close());
  const app = await appFor(server.url);
  const error = await failureOf(app.client.callToolWithRetry('h', 'ok', {}));
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error?.message).toBe(
    'MCP error -32603: the tools/call result nests deeper than 256 levels',
  );
  expect(server.count('tools/call')).toBe(1);
});

it('2025 era: an initialize result nesting 50k levels fails the connect; its session is ended', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    void readRequestText(req).then((text) => {
      seen.push(
        req.method === 'POST'
          ? String((JSON.parse(text) as { method?: string }).method)
          : req.method!,
      );
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (seen.at(-1) !== 'initialize') return void res.writeHead(400).end();
      const id = JSON.stringify((JSON.parse(text) as { id: unknown }).id);
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'deep-1' });
      res.end(
        `{"jsonrpc":"2.0","id":${id},"result":{"protocolVersion":"2025-11-25",` +
          `"capabilities":{"experimental":{"x":${DEEP}}},"serverInfo":{"name":"deep","version":"1"}}}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const app = await appFor(`http://127.0.0.1:${port}/mcp`);
  const error = await failureOf(app.client.connectWithRetry('h'));
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error?.message).toBe(
    'MCP error -32603: the initialize result nests deeper than 256 levels',
  );
  expect(seen.filter((method) => method === 'initialize')).toHaveLength(1);
  expect(seen).toContain('DELETE');
});
