import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type EraServerHandle,
  type SeenRequest,
  startEraServer,
} from '../support/era-server/era-server.js';
import { NON_ASCII_TOOL } from '../support/era-server/era-tools.js';

/** The MCP headers of a request: what an intermediary may route on. */
const MCP_HEADERS = /^mcp-(protocol-version|method|name|param-.+|session-id)$/;

function mcpHeaders(request: SeenRequest): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => MCP_HEADERS.test(name)),
  );
}

/** The `_meta` of a request without what names the client or tracks progress. */
function envelope(request: SeenRequest): Record<string, unknown> {
  const meta = { ...(request.body?.params?._meta as Record<string, unknown> | undefined) };
  delete meta.progressToken;
  const info = meta['io.modelcontextprotocol/clientInfo'] as Record<string, unknown> | undefined;
  meta['io.modelcontextprotocol/clientInfo'] = info && Object.keys(info).sort();
  return meta;
}

/** The requests one client made, by method (and tool name for tools/call). */
function byMethod(requests: SeenRequest[]): Map<string, SeenRequest> {
  const out = new Map<string, SeenRequest>();
  for (const request of requests) {
    const { method, params } = request.body ?? {};
    if (!method) continue;
    out.set(method === 'tools/call' ? `${method} ${String(params?.name)}` : method, request);
  }
  return out;
}

describe('what goes over the wire, next to the official v2 client (versionNegotiation auto)', () => {
  let server: EraServerHandle;
  let app: ClientTestApp;
  let reference: Map<string, SeenRequest>;
  let ours: Map<string, SeenRequest>;

  beforeAll(async () => {
    server = await startEraServer('modern');
    const v2 = new Client(
      { name: 'reference', version: '2.4.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    await v2.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await v2.listTools();
    await v2.callTool({ name: 'route', arguments: { region: 'eu-west-1', query: 'q' } });
    await v2.callTool({ name: NON_ASCII_TOOL, arguments: {} });
    await v2.close();
    reference = byMethod(server.requests.splice(0));

    app = await startClientApp({ servers: { modern: { url: server.url } }, dlq: false });
    await app.client.connect('modern');
    await app.client.listTools('modern');
    await app.client.callTool('modern', 'route', { region: 'eu-west-1', query: 'q' });
    await app.client.callTool('modern', NON_ASCII_TOOL, {});
    ours = byMethod(server.requests.splice(0));
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('both probe with server/discover and send the same kinds of request', () => {
    expect([...reference.keys()].sort()).toEqual([...ours.keys()].sort());
    expect([...ours.keys()]).toContain('server/discover');
  });

  it.each(['server/discover', 'tools/list', 'tools/call route', `tools/call ${NON_ASCII_TOOL}`])(
    'sends the same MCP headers on %s',
    (key) => {
      const theirs = reference.get(key);
      const mine = ours.get(key);
      expect(theirs).toBeDefined();
      expect(mcpHeaders(mine as SeenRequest)).toEqual(mcpHeaders(theirs as SeenRequest));
    },
  );

  it.each(['server/discover', 'tools/list', 'tools/call route', `tools/call ${NON_ASCII_TOOL}`])(
    'sends the same _meta envelope keys and version on %s',
    (key) => {
      const theirs = envelope(reference.get(key) as SeenRequest);
      const mine = envelope(ours.get(key) as SeenRequest);
      expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
      expect(mine['io.modelcontextprotocol/protocolVersion']).toBe(
        theirs['io.modelcontextprotocol/protocolVersion'],
      );
      expect(mine['io.modelcontextprotocol/clientInfo']).toEqual(
        theirs['io.modelcontextprotocol/clientInfo'],
      );
      // The same, and the tasks extension, which this client follows and the v2 client does not.
      expect(mine['io.modelcontextprotocol/clientCapabilities']).toEqual({
        ...(theirs['io.modelcontextprotocol/clientCapabilities'] as object),
        extensions: { 'io.modelcontextprotocol/tasks': {} },
      });
    },
  );
});

describe('an input_required round on the wire, next to the official v2 client', () => {
  let server: EraServerHandle;
  let app: ClientTestApp;
  const rounds: Record<'reference' | 'ours', SeenRequest[]> = { reference: [], ours: [] };
  const accept = { action: 'accept' as const, content: { confirm: true } };

  beforeAll(async () => {
    server = await startEraServer('modern');
    const v2 = new Client(
      { name: 'reference', version: '2.4.0' },
      { versionNegotiation: { mode: 'auto' }, capabilities: { elicitation: { form: {} } } },
    );
    v2.setRequestHandler('elicitation/create', () => Promise.resolve(accept));
    await v2.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await v2.callTool({ name: 'confirm', arguments: { action: 'ship' } });
    await v2.close();
    rounds.reference = server.requests.splice(0).filter((r) => r.body?.method === 'tools/call');

    app = await startClientApp({
      servers: { modern: { url: server.url } },
      handlers: { elicitation: () => Promise.resolve(accept) },
      dlq: false,
    });
    await app.client.callTool('modern', 'confirm', { action: 'ship' });
    rounds.ours = server.requests.splice(0).filter((r) => r.body?.method === 'tools/call');
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const retried = (requests: SeenRequest[]) => {
    const { _meta, ...params } = requests[1]?.body?.params ?? {};
    return { params, hasMeta: _meta !== undefined };
  };

  it('both take two rounds and re-issue the same params: answers and the exact requestState', () => {
    expect(rounds.reference).toHaveLength(2);
    expect(rounds.ours).toHaveLength(2);
    const theirs = retried(rounds.reference);
    const mine = retried(rounds.ours);
    expect(Object.keys(mine.params).sort()).toEqual(Object.keys(theirs.params).sort());
    expect(mine.params).toEqual(theirs.params);
    expect(mine.params.requestState).toBe('state-for-ship');
    expect(mine.hasMeta && theirs.hasMeta).toBe(true);
  });
});
