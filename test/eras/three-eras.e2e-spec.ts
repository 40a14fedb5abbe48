import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElicitRequest } from '@modelcontextprotocol/sdk/types.js';
import { isMcpProtocolError, type ServerRequestEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type EraServerHandle,
  type EraSetUp,
  startEraServer,
} from '../support/era-server/era-server.js';
import { NON_ASCII_TOOL } from '../support/era-server/era-tools.js';

const EXPECTED: Record<EraSetUp, { version: string; era: string }> = {
  modern: { version: '2026-07-28', era: 'modern' },
  dual: { version: '2026-07-28', era: 'modern' },
  legacy: { version: '2025-11-25', era: 'legacy' },
};
const SET_UPS = Object.keys(EXPECTED) as EraSetUp[];

/** The tools/call POSTs a server saw for one tool name. */
function callsOf(server: EraServerHandle, tool: string) {
  return server.requests.filter(
    (r) => r.body?.method === 'tools/call' && r.body.params?.name === tool,
  );
}

describe('one FastMcpModule with default options, three servers: modern only, dual, legacy only', () => {
  const servers = {} as Record<EraSetUp, EraServerHandle>;
  let app: ClientTestApp;
  const elicited: ElicitRequest['params'][] = [];
  const serverRequests: ServerRequestEvent[] = [];

  beforeAll(async () => {
    for (const setUp of SET_UPS) servers[setUp] = await startEraServer(setUp);
    app = await startClientApp({
      servers: Object.fromEntries(SET_UPS.map((s) => [s, { url: servers[s].url }])),
      handlers: {
        elicitation: (params) => {
          elicited.push(params);
          return Promise.resolve({ action: 'accept', content: { confirm: true } });
        },
      },
      dlq: false,
    });
    app.events.on('server.request', (event) => serverRequests.push(event));
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all(SET_UPS.map((s) => servers[s]?.close()));
  });

  it.each(['modern', 'dual'] as const)(
    'sends no initialize, session id, GET, DELETE or cancellation to the %s server',
    async (setUp) => {
      await app.client.callToolWithRetry(setUp, 'echo', { text: 'once more' });
      const seen = servers[setUp].requests;
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((r) => r.httpMethod === 'POST')).toBe(true);
      expect(seen.some((r) => r.headers['mcp-session-id'] !== undefined)).toBe(false);
      const methods = seen.map((r) => r.body?.method);
      expect(methods).not.toContain('initialize');
      expect(methods).not.toContain('notifications/cancelled');
      expect(methods.filter((m) => m === 'server/discover')).toHaveLength(1);
    },
  );

  describe.each(SET_UPS)('%s server', (setUp) => {
    it('negotiates the era and version the server speaks', async () => {
      const session = await app.client.connect(setUp);
      expect(session.protocolVersion).toBe(EXPECTED[setUp].version);
      expect(session.era).toBe(EXPECTED[setUp].era);
      expect(session.serverInfo).toEqual({ name: 'era-test-server', version: '2.4.0' });
      expect(session.sessionId === undefined).toBe(EXPECTED[setUp].era === 'modern');
    });

    it('lists the tools', async () => {
      const names = (await app.client.listTools(setUp)).map((tool) => tool.name);
      expect(names).toEqual([
        'echo',
        'fail',
        'route',
        NON_ASCII_TOOL,
        'confirm',
        'summarise',
        'insist',
        'wait',
      ]);
    });

    it('calls a tool', async () => {
      const result = await app.client.callToolWithRetry(setUp, 'echo', { text: 'hi' });
      const served = setUp === 'legacy' || EXPECTED[setUp].era === 'legacy' ? 'legacy' : 'modern';
      expect(result.content).toEqual([{ type: 'text', text: `hi (${served})` }]);
    });

    it('returns an isError result as a result', async () => {
      const result = await app.client.callToolWithRetry(setUp, 'fail', {});
      expect(result.isError).toBe(true);
      expect(result.content).toEqual([{ type: 'text', text: 'it went wrong' }]);
    });

    it('fails an unknown tool with a protocol error, sent once', async () => {
      const before = app.retries.length;
      const error = await app.client.callToolWithRetry(setUp, 'nope', {}).catch((e: unknown) => e);
      expect(isMcpProtocolError(error)).toBe(true);
      expect((error as { code: number }).code).toBe(-32602);
      // The server's error knows nothing of who asked: the exchange names it.
      expect(error).toMatchObject({ clientId: setUp, operation: 'call_tool' });
      expect(callsOf(servers[setUp], 'nope')).toHaveLength(1);
      expect(app.retries.length).toBe(before);
    });

    it('calls a tool whose argument is mirrored into Mcp-Param-Region (modern era)', async () => {
      await app.client.listTools(setUp);
      const result = await app.client.callToolWithRetry(setUp, 'route', { region: 'eu-west-1' });
      expect(result.content).toEqual([{ type: 'text', text: 'routed eu-west-1' }]);
      const [call] = callsOf(servers[setUp], 'route').slice(-1);
      const header = EXPECTED[setUp].era === 'modern' ? 'eu-west-1' : undefined;
      expect(call.headers['mcp-param-region']).toBe(header);
    });

    it('calls a tool with a non-ASCII name (Mcp-Name Base64-encoded in the modern era)', async () => {
      const result = await app.client.callToolWithRetry(setUp, NON_ASCII_TOOL, {});
      expect(result.content).toEqual([{ type: 'text', text: 'hallo' }]);
      const [call] = callsOf(servers[setUp], NON_ASCII_TOOL);
      const encoded = `=?base64?${Buffer.from(NON_ASCII_TOOL).toString('base64')}?=`;
      expect(call.headers['mcp-name']).toBe(EXPECTED[setUp].era === 'modern' ? encoded : undefined);
    });

    it('completes a tool that asks for confirmation through the elicitation handler', async () => {
      const before = elicited.length;
      const result = await app.client.callToolWithRetry(setUp, 'confirm', { action: 'deploy' });
      expect(result.content).toEqual([{ type: 'text', text: 'deploy: true' }]);
      expect(elicited.slice(before).map((p) => p.message)).toEqual(['Really deploy?']);
      const calls = callsOf(servers[setUp], 'confirm');
      if (EXPECTED[setUp].era === 'modern') {
        // Two rounds: the second with the answer, the exact requestState and a new id.
        expect(calls).toHaveLength(2);
        const retried = calls[1].body?.params as Record<string, unknown>;
        expect(retried.requestState).toBe('state-for-deploy');
        expect(retried.inputResponses).toEqual({
          confirm: { action: 'accept', content: { confirm: true } },
        });
        const ids = calls.map((c) => (c.body as { id?: unknown }).id);
        expect(new Set(ids).size).toBe(2);
      } else {
        expect(calls).toHaveLength(1);
      }
      expect(
        serverRequests.some((e) => e.clientId === setUp && e.method === 'elicitation/create'),
      ).toBe(true);
    });
  });
});
