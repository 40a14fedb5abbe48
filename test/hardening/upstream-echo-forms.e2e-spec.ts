// A server that quotes a configured secret back in another form than it was sent: a Basic
// credential decoded, a header value or an OAuth token percent-encoded, JSON-escaped (`\/`),
// a short value, or a long one wrapped across lines. None of it reaches the error, its
// inspection, the dead letter or the log lines.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueService } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { InMemoryOAuthProvider } from '../support/oauth/in-memory-oauth-provider.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const BASIC_USER = 'svc-basic';
const BASIC_PASSWORD = 'Pa55-basic-SECRET';
const SLASHY_KEY = 'k3y/API+SECRET==';
const PIN = 'Zq9x7';
const LONG_KEY = 'LONGKEY-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789';
const OAUTH_TOKEN = 'oauth/TOK+0123456789==';
const MARKED_KEY = "p4ss&w0rd<xyz>1'2+3";
const NUMERIC_PIN = '88372615';

/** As Go's encoding/json writes a string: < > & as \u00XX. */
const goEscaped = (text: string): string =>
  text.replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const htmlEscaped = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');

interface Echo {
  /** What the server answers (HTTP 400, text) to a call of this tool. */
  says(request: ScriptedRequest): string;
  /** The forms of the secret that must not show anywhere. */
  forms: string[];
}

const header = (request: ScriptedRequest, name: string): string =>
  String(request.req.headers[name]);

const ECHOES: Record<string, Echo> = {
  'basic-decoded': {
    says: () => `authentication failed for ${BASIC_USER}:${BASIC_PASSWORD}`,
    forms: [BASIC_PASSWORD],
  },
  'percent-encoded': {
    says: (r) => `unknown key ${encodeURIComponent(header(r, 'x-api-key'))}`,
    forms: [encodeURIComponent(SLASHY_KEY), SLASHY_KEY],
  },
  'json-escaped': {
    says: (r) => `{"detail":"bad key ${header(r, 'x-api-key').replace(/\//g, '\\/')}"}`,
    forms: [SLASHY_KEY.replace(/\//g, '\\/'), SLASHY_KEY],
  },
  short: { says: (r) => `bad pin ${header(r, 'x-pin')}`, forms: [PIN] },
  base64: {
    says: (r) => `unknown key ${Buffer.from(header(r, 'x-api-key')).toString('base64')}`,
    forms: [Buffer.from(SLASHY_KEY).toString('base64'), SLASHY_KEY],
  },
  base64url: {
    says: (r) => `unknown key ${Buffer.from(header(r, 'x-api-key')).toString('base64url')}`,
    forms: [Buffer.from(SLASHY_KEY).toString('base64url'), SLASHY_KEY],
  },
  wrapped: {
    says: (r) => `bad key ${header(r, 'x-long').slice(0, 22)}\n  ${header(r, 'x-long').slice(22)}`,
    forms: [LONG_KEY.slice(0, 22), LONG_KEY.slice(22)],
  },
  'go-escaped': {
    says: (r) => `{"detail":"bad key ${goEscaped(header(r, 'x-marked'))}"}`,
    forms: [goEscaped(MARKED_KEY), MARKED_KEY],
  },
  'html-escaped': {
    says: (r) => `<p>bad key ${htmlEscaped(header(r, 'x-marked'))}</p>`,
    forms: [htmlEscaped(MARKED_KEY), MARKED_KEY],
  },
  'oauth-percent-encoded': {
    says: (r) => `token ${encodeURIComponent(header(r, 'authorization').slice(7))} expired`,
    forms: [encodeURIComponent(OAUTH_TOKEN), OAUTH_TOKEN],
  },
};

/** Answers in the body of a 200 (a JSON-RPC error, a stream of progress) rather than a 400. */
const IN_BODY: Record<string, (request: ScriptedRequest) => void> = {
  numeric: ({ req, res, message }) => {
    const pin = Number(req.headers['x-numeric-pin']);
    const error = { code: -32000, message: 'bad pin', data: { pin, tries: 3 } };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error }));
  },
  progress: ({ req, res, message }) => {
    const key = String(req.headers['x-api-key']);
    const progress = {
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: key, progress: 1, total: 2, _meta: { echoed: key } },
    };
    const numeric = {
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: Number(req.headers['x-numeric-pin']), progress: 2 },
    };
    const log = {
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { level: 'info', data: { pin: Number(req.headers['x-numeric-pin']) } },
    };
    const result = { jsonrpc: '2.0', id: message.id, result: { content: [] } };
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of [progress, numeric, log, result])
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    res.end();
  },
};

function answer(request: ScriptedRequest): void {
  const inBody = IN_BODY[String(request.message.params?.name)];
  if (inBody) return inBody(request);
  const echo = ECHOES[String(request.message.params?.name)];
  request.res
    .writeHead(400, { 'content-type': 'text/plain' })
    .end(echo ? echo.says(request) : 'no such tool');
}

describe('configured secrets quoted back in another form', () => {
  let server: ScriptedMcpServerHandle;
  let app: ClientTestApp;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    server = await startScriptedMcpServer(answer);
    const oauth = new InMemoryOAuthProvider();
    oauth.saveTokens({ access_token: OAUTH_TOKEN, token_type: 'Bearer' });
    const basic = Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64');
    app = await startClientApp(
      {
        servers: {
          keyed: {
            url: server.url,
            headers: {
              Authorization: `Basic ${basic}`,
              'X-Api-Key': SLASHY_KEY,
              'X-Pin': PIN,
              'X-Long': LONG_KEY,
              'X-Marked': MARKED_KEY,
              'X-Numeric-Pin': NUMERIC_PIN,
            },
          },
          oauth: { url: server.url, auth: oauth },
        },
      },
      logger,
    );
  });
  afterAll(async () => {
    await app.close();
    await server.close();
  });

  it.each(Object.keys(ECHOES))(
    '%s: not in the error, the dead letter or the logs',
    async (tool) => {
      const clientId = tool.startsWith('oauth') ? 'oauth' : 'keyed';
      const error = await app.client.callToolWithRetry(clientId, tool).catch((e: unknown) => e);
      expect(String(error)).toContain('HTTP 400');
      expect(String(error)).toContain('[REDACTED]');
      const { items } = await app.moduleRef.get(DeadLetterQueueService).list({ limit: 100 });
      const entry = items.find((item) => item.toolName === tool);
      expect(entry).toBeDefined();
      const places = {
        message: (error as Error).message,
        inspected: inspect(error, { depth: 10 }),
        deadLetter: JSON.stringify(entry),
        logs: JSON.stringify(logger.lines),
      };
      for (const [place, text] of Object.entries(places)) {
        for (const form of ECHOES[tool].forms)
          expect(text, `${place}: ${form}`).not.toContain(form);
      }
    },
  );

  it('a number that spells a header value: not in the error or its data', async () => {
    const error = await app.client.callToolWithRetry('keyed', 'numeric').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -32000, data: { pin: '[REDACTED]', tries: 3 } });
    expect(JSON.stringify(error)).not.toContain(NUMERIC_PIN);
    expect(inspect(error, { depth: 10 })).not.toContain(NUMERIC_PIN);
  });

  it("a server's progress and log events: only MCP's fields, none holding a secret", async () => {
    const progress: unknown[] = [];
    const messages: unknown[] = [];
    app.events.on('server.progress', (event) => progress.push(event));
    app.events.on('server.message', (event) => messages.push(event));
    await app.client.callTool('keyed', 'progress');
    expect(progress).toEqual([
      { clientId: 'keyed', progressToken: '[REDACTED]', progress: 1, total: 2 },
      { clientId: 'keyed', progressToken: '[REDACTED]', progress: 2 },
    ]);
    expect(messages).toEqual([
      { clientId: 'keyed', level: 'info', logger: undefined, data: { pin: '[REDACTED]' } },
    ]);
  });
});
