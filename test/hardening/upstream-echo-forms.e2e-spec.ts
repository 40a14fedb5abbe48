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
  wrapped: {
    says: (r) => `bad key ${header(r, 'x-long').slice(0, 22)}\n  ${header(r, 'x-long').slice(22)}`,
    forms: [LONG_KEY.slice(0, 22), LONG_KEY.slice(22)],
  },
  'oauth-percent-encoded': {
    says: (r) => `token ${encodeURIComponent(header(r, 'authorization').slice(7))} expired`,
    forms: [encodeURIComponent(OAUTH_TOKEN), OAUTH_TOKEN],
  },
};

function answer(request: ScriptedRequest): void {
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
});
