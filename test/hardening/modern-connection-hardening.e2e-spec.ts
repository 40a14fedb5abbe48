import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isMcpDeliveryUnknownError,
  isMcpInputRequiredError,
  isMcpTimeoutError,
  type McpInputRequiredError,
  type McpTimeoutError,
  type RetryWithheldEvent,
} from '@app/fastmcp';
import { readRequestText } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { MODERN_PROTOCOL_VERSIONS } from '../../libs/fastmcp/src/options/protocol-versions.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';

type Rpc = { id?: number | string; method?: string; params?: Record<string, unknown> };
/** Answers a `tools/call`; `n` counts the calls so far, from 1. */
type CallAnswer = (res: ServerResponse, message: Rpc, n: number) => void;

const VERSION = '2026-07-28';
const TOOL = { name: 'pay', inputSchema: { type: 'object', properties: {} } };
const HEADER_MISMATCH = { code: -32020, message: 'tool changed' };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A 2026-07-28 server on node:http: discover, one unannotated tool, `tools/call` scripted. */
async function startModernServer(
  onCall: CallAnswer,
): Promise<{ url: string; calls: () => number; server: Server }> {
  let calls = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readRequestText(req).then((text) => {
      const message = JSON.parse(text) as Rpc;
      const reply = (result: unknown): void =>
        json(res, 200, { jsonrpc: '2.0', id: message.id, result });
      if (message.method === 'server/discover') {
        return reply({ supportedVersions: [VERSION], capabilities: { tools: {} } });
      }
      if (message.method === 'tools/list') return reply({ tools: [TOOL] });
      if (message.method === 'tools/call') return onCall(res, message, ++calls);
      json(res, 404, { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'no' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, calls: () => calls, server };
}

const done = (res: ServerResponse, message: Rpc): void =>
  json(res, 200, {
    jsonrpc: '2.0',
    id: message.id,
    result: { content: [{ type: 'text', text: 'paid' }] },
  });

const inputRequired = (res: ServerResponse, message: Rpc, inputRequests: unknown): void =>
  json(res, 200, {
    jsonrpc: '2.0',
    id: message.id,
    result: { resultType: 'input_required', inputRequests },
  });

const ELICIT = {
  method: 'elicitation/create',
  params: { message: 'confirm?', requestedSchema: { type: 'object', properties: {} } },
};

describe('modern connection: -32020, handler time limits and input request bounds', () => {
  let app: ClientTestApp | undefined;
  let server: Server | undefined;

  afterEach(async () => {
    await app?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    app = undefined;
    server = undefined;
  });

  async function start(
    onCall: CallAnswer,
    options: Record<string, unknown> = {},
    serverOptions: Record<string, unknown> = {},
  ) {
    const modern = await startModernServer(onCall);
    server = modern.server;
    app = await startClientApp({
      servers: { modern: { url: modern.url, ...serverOptions } },
      dlq: false,
      ...options,
    });
    return { app, calls: modern.calls };
  }

  it('-32020 inside a 200 JSON answer: an unsafe tool is not sent again, and that is told', async () => {
    const { app, calls } = await start((res, message) =>
      json(res, 200, { jsonrpc: '2.0', id: message.id, error: HEADER_MISMATCH }),
    );
    const withheld: RetryWithheldEvent[] = [];
    app.events.on('retry.withheld', (event) => withheld.push(event));
    const error = await app.client.callToolWithRetry('modern', 'pay', {}).catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect(calls()).toBe(1);
    expect(withheld).toEqual([
      expect.objectContaining({ clientId: 'modern', operation: 'call_tool', toolName: 'pay' }),
    ]);
  });

  it('-32020 after progress on a 200 stream: an unsafe tool is not sent again', async () => {
    const { app, calls } = await start((res, message) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const progress = {
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 'x', progress: 1 },
      };
      res.write(`data: ${JSON.stringify(progress)}\n\n`);
      res.end(
        `data: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, error: HEADER_MISMATCH })}\n\n`,
      );
    });
    const error = await app.client.callToolWithRetry('modern', 'pay', {}).catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect(calls()).toBe(1);
  });

  it('-32020 as a 400: refused before running, so the call is sent once more', async () => {
    const { app, calls } = await start((res, message, n) =>
      n === 1
        ? json(res, 400, { jsonrpc: '2.0', id: message.id, error: HEADER_MISMATCH })
        : done(res, message),
    );
    const result = await app.client.callToolWithRetry('modern', 'pay', {});
    expect(result.content).toEqual([{ type: 'text', text: 'paid' }]);
    expect(calls()).toBe(2);
  });

  it('-32020 inside a 200 with ambiguousToolCalls always: sent once more', async () => {
    const { app, calls } = await start(
      (res, message, n) =>
        n === 1
          ? json(res, 200, { jsonrpc: '2.0', id: message.id, error: HEADER_MISMATCH })
          : done(res, message),
      { retry: { ambiguousToolCalls: 'always' } },
    );
    await app.client.callToolWithRetry('modern', 'pay', {});
    expect(calls()).toBe(2);
  });

  it('-32020 inside a 200 for a tool marked safe to repeat: sent once more', async () => {
    const { app, calls } = await start(
      (res, message, n) =>
        n === 1
          ? json(res, 200, { jsonrpc: '2.0', id: message.id, error: HEADER_MISMATCH })
          : done(res, message),
      {},
      { tools: { pay: { retry: 'always' } } },
    );
    await app.client.callToolWithRetry('modern', 'pay', {});
    expect(calls()).toBe(2);
  });

  describe('-32022 naming another revision this client also speaks', () => {
    const LATER = '2099-01-01';
    const versions = MODERN_PROTOCOL_VERSIONS as string[];
    const unsupported = {
      code: -32022,
      message: 'Unsupported protocol version',
      data: { supported: [LATER], requested: VERSION },
    };
    // The client learns a second modern revision (the fault this needs: it ships only one).
    beforeEach(() => void versions.push(LATER));
    afterEach(() => void versions.splice(versions.indexOf(LATER), 1));

    it('inside a 200: an unsafe tool is not sent again in the other revision', async () => {
      const { app, calls } = await start((res, message) =>
        json(res, 200, { jsonrpc: '2.0', id: message.id, error: unsupported }),
      );
      const withheld: RetryWithheldEvent[] = [];
      app.events.on('retry.withheld', (event) => withheld.push(event));
      const error = await app.client
        .callToolWithRetry('modern', 'pay', {})
        .catch((e: unknown) => e);
      expect(isMcpDeliveryUnknownError(error)).toBe(true);
      expect(calls()).toBe(1);
      expect(withheld).toHaveLength(1);
    });

    it('as a 400: refused before running, so it is sent once more in that revision', async () => {
      const seen: string[] = [];
      const { app, calls } = await start((res, message, n) => {
        seen.push(String(res.req.headers['mcp-protocol-version']));
        if (n === 1) json(res, 400, { jsonrpc: '2.0', id: message.id, error: unsupported });
        else done(res, message);
      });
      const result = await app.client.callToolWithRetry('modern', 'pay', {});
      expect(result.content).toEqual([{ type: 'text', text: 'paid' }]);
      expect(calls()).toBe(2);
      expect(seen).toEqual([VERSION, LATER]);
    });
  });

  it('a hanging handler cannot hold the call past its time limit', async () => {
    let abortedAt = 0;
    const started = Date.now();
    const { app } = await start((res, message) => inputRequired(res, message, { ask: ELICIT }), {
      handlers: {
        elicitation: (_params: unknown, { signal }: { signal: AbortSignal }) => {
          signal.addEventListener('abort', () => (abortedAt = Date.now() - started));
          return new Promise(() => undefined);
        },
      },
    });
    const error = (await app.client
      .callToolWithRetry('modern', 'pay', {}, { timeoutMs: 1000 })
      .catch((e: unknown) => e)) as McpTimeoutError;
    const elapsed = Date.now() - started;
    expect(isMcpTimeoutError(error)).toBe(true);
    expect(error.scope).toBe('budget');
    expect(elapsed).toBeLessThan(3000);
    expect(abortedAt).toBeGreaterThan(0);
  });

  it("aborts a sibling handler's signal as soon as the round fails", async () => {
    let abortedAt = 0;
    const started = Date.now();
    const { app } = await start(
      (res, message) =>
        inputRequired(res, message, { ask: ELICIT, roots: { method: 'roots/list' } }),
      {
        handlers: {
          elicitation: (_params: unknown, { signal }: { signal: AbortSignal }) =>
            new Promise((_, reject) =>
              signal.addEventListener('abort', () => {
                abortedAt = Date.now() - started;
                reject(new Error('aborted'));
              }),
            ),
        },
      },
    );
    const error = (await app.client
      .callToolWithRetry('modern', 'pay', {}, { timeoutMs: 5000 })
      .catch((e: unknown) => e)) as McpInputRequiredError;
    expect(isMcpInputRequiredError(error)).toBe(true);
    expect(error.failure).toBe('no_handler');
    expect(abortedAt).toBeGreaterThan(0);
    expect(abortedAt).toBeLessThan(2000);
  });

  it('refuses a round with thousands of input requests before running any handler', async () => {
    let ran = 0;
    const requests = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`q${i}`, ELICIT]));
    const { app, calls } = await start((res, message) => inputRequired(res, message, requests), {
      handlers: {
        elicitation: () => {
          ran += 1;
          return Promise.resolve({ action: 'accept', content: {} });
        },
      },
    });
    const error = (await app.client
      .callToolWithRetry('modern', 'pay', {})
      .catch((e: unknown) => e)) as McpInputRequiredError;
    expect(isMcpInputRequiredError(error)).toBe(true);
    expect(error.failure).toBe('invalid');
    expect(ran).toBe(0);
    expect(calls()).toBe(1);
  });
});
