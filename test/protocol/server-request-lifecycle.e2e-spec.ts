import { afterEach, describe, expect, it, vi } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';
import { startRawMcpServer } from '../support/raw-mcp-server/raw-mcp-server.js';
import type { RawMcpServerHandle } from '../support/raw-mcp-server/raw-mcp-server.interface.js';

const CLIENT = 'proto';

describe('the life of a request from the server', () => {
  let server: ProtocolSdkServerHandle | RawMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;

  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = undefined;
    server = undefined;
  });

  it("aborts the handler's signal once the call that carried the request has ended", async () => {
    const signals: AbortSignal[] = [];
    server = await startProtocolSdkServer();
    app = await startClientApp({
      servers: { [CLIENT]: { url: server.url } },
      dlq: false,
      handlers: {
        // A user who never answers: the handler waits until told to stop.
        elicitation: (_params, { signal }) => {
          signals.push(signal);
          return new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
          });
        },
      },
    });
    // The tool stops waiting after 200 ms (the SDK then sends notifications/cancelled for its
    // elicitation request) and answers; the call ends with a result.
    const result = await app.client.callTool(CLIENT, 'elicit_profile', { waitMs: 200 });
    expect(result.structuredContent).toMatchObject({ answer: { ok: false, code: -32001 } });
    expect(signals).toHaveLength(1);
    await vi.waitFor(() => expect(signals[0]?.aborted).toBe(true), { timeout: 1000 });
  });

  it('answers an elicitation/create with malformed params -32602 (invalid params), without calling the handler', async () => {
    const calls: unknown[] = [];
    server = await startRawMcpServer({
      onToolCall: async (call) => {
        const answer = await call.ask('elicitation/create', { mode: 'form' });
        return { content: [], structuredContent: { answer } };
      },
    });
    app = await startClientApp({
      servers: { [CLIENT]: { url: server.url } },
      dlq: false,
      handlers: {
        elicitation: (params) => {
          calls.push(params);
          return { action: 'decline' };
        },
      },
    });
    const result = await app.client.callTool(CLIENT, 'asker');
    expect(calls).toEqual([]);
    expect(result.structuredContent).toMatchObject({ answer: { error: { code: -32602 } } });
  });
});
