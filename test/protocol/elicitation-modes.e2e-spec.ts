import { afterEach, describe, expect, it } from 'vitest';
import type { ElicitRequest } from '@modelcontextprotocol/sdk/types.js';
import {
  isMcpInputRequiredError,
  type McpInputRequiredError,
  type ServerRequestEvent,
} from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startRawMcpServer } from '../support/raw-mcp-server/raw-mcp-server.js';
import type { RawMcpServerHandle } from '../support/raw-mcp-server/raw-mcp-server.interface.js';
import { type RawModernServerHandle, startRawModernServer } from '../support/raw-modern-server.js';

const CLIENT = 'raw';
/** A URL-mode elicitation: the client declares form mode only, so it must never be handled. */
const URL_ELICITATION = {
  mode: 'url',
  message: 'Sign in to continue',
  url: 'https://auth.example.com/sign-in?state=1',
  elicitationId: 'e-1',
};
const FORM_ELICITATION = {
  message: 'Your name?',
  requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
};

describe('elicitation modes the client did not declare', () => {
  let modern: RawModernServerHandle | undefined;
  let legacy: RawMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;
  const elicited: ElicitRequest['params'][] = [];
  const requests: ServerRequestEvent[] = [];

  afterEach(async () => {
    await app?.close();
    await modern?.close();
    await legacy?.close();
    app = modern = legacy = undefined;
    elicited.length = 0;
    requests.length = 0;
  });

  async function startApp(url: string) {
    app = await startClientApp({
      servers: { [CLIENT]: { url } },
      handlers: {
        elicitation: (params) => {
          elicited.push(params);
          return { action: 'accept', content: { name: 'Ada' } };
        },
      },
      dlq: false,
    });
    app.events.on('server.request', (event) => requests.push(event));
    return app;
  }

  it('2026-07-28: a url-mode input request fails the round with McpInputRequiredError', async () => {
    modern = await startRawModernServer((message) => {
      if (message.method !== 'tools/call') return undefined;
      if (message.params?.inputResponses) return { content: [] };
      const ask = { method: 'elicitation/create', params: URL_ELICITATION };
      return { resultType: 'input_required', inputRequests: { signIn: ask } };
    });
    const app = await startApp(modern.url);
    const error = await app.client.callToolWithRetry(CLIENT, 't', {}).catch((e: unknown) => e);
    expect(isMcpInputRequiredError(error)).toBe(true);
    expect((error as McpInputRequiredError).failure).toBe('invalid');
    expect((error as Error).message).toMatch(/asks for mode url, which the client did not declare/);
    expect(elicited).toEqual([]);
    const calls = modern.requestsOf('tools/call');
    expect(calls).toHaveLength(1);
    const meta = calls[0]?.message.params?._meta as Record<string, unknown>;
    expect(meta['io.modelcontextprotocol/clientCapabilities']).toEqual({
      elicitation: { form: { applyDefaults: true } },
      extensions: { 'io.modelcontextprotocol/tasks': {} },
    });
    expect(requests).toEqual([
      { clientId: CLIENT, method: 'elicitation/create', outcome: 'failed' },
    ]);
  });

  it('2025-11-25: a url-mode request is answered -32602 and the form one is handled', async () => {
    legacy = await startRawMcpServer({
      onToolCall: async (call) => {
        const url = await call.ask('elicitation/create', URL_ELICITATION);
        const form = await call.ask('elicitation/create', FORM_ELICITATION);
        return { content: [], structuredContent: { url, form } };
      },
    });
    const app = await startApp(legacy.url);
    const result = await app.client.callTool(CLIENT, 't', {});
    const { url, form } = result.structuredContent as Record<string, unknown>;
    expect(url).toMatchObject({ id: 'srv-1', error: { code: -32602 } });
    expect(form).toMatchObject({ result: { action: 'accept', content: { name: 'Ada' } } });
    expect(elicited).toEqual([FORM_ELICITATION]);
    expect(requests).toEqual([
      { clientId: CLIENT, method: 'elicitation/create', outcome: 'failed' },
      { clientId: CLIENT, method: 'elicitation/create', outcome: 'handled' },
    ]);
  });
});
