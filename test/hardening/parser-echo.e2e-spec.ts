// A server answers with a malformed HTTP head that repeats the request's headers after a bad
// byte. undici's HTTPParserError keeps the rest of what it read as `data`: none of it may reach
// the typed error (printed in full, or serialised), its dead letter or the logs, while the cause
// chain still names what failed (HTTPParserError and its message).
import { inspect } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeadLetterQueueService, isFastMcpError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const TOKEN = 'sk-live-0123456789abcdefSECRET';
const API_KEY = 'key-API-0123456789';
const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'X-Api-Key': API_KEY };

/** A head whose header value starts with a control byte, then the request's own headers. */
function malformedEcho({ req }: ScriptedRequest): void {
  const echoed = `${String(req.headers.authorization)} ${String(req.headers['x-api-key'])}`;
  req.socket.write(`HTTP/1.1 200 OK\r\nX-Echo: \x01 ${echoed}\r\n\r\n`);
  req.socket.destroy();
}

/** The error and each of its causes, outermost first. */
function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let at = error; at instanceof Error && chain.length < 10; at = at.cause) chain.push(at);
  return chain;
}

const logger = new CapturingLogger();
let server: ScriptedMcpServerHandle;
let app: ClientTestApp;
beforeAll(async () => {
  server = await startScriptedMcpServer(malformedEcho);
  app = await startClientApp({ servers: { echo: { url: server.url, headers: HEADERS } } }, logger);
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

it('an echoed header in a malformed HTTP answer reaches no error, dead letter or log', async () => {
  const failures: string[] = [];
  app.events.on('attempt.failed', (event) => failures.push(event.error));

  const error = await app.client.callToolWithRetry('echo', 'lookup').catch((e: unknown) => e);

  expect(isFastMcpError(error)).toBe(true);
  // The server did get the headers, and its answer broke the parser.
  expect(server.count('tools/call')).toBeGreaterThan(0);
  const parsers = causeChain(error).filter((cause) => cause.name === 'HTTPParserError');
  expect(parsers.length).toBeGreaterThan(0);
  for (const parser of parsers) {
    expect(parser.message).toMatch(/does not match the HTTP\/1\.1 protocol/);
    expect((parser as { data?: unknown }).data).toBeUndefined();
  }

  const { items } = await app.moduleRef.get(DeadLetterQueueService).list({ limit: 100 });
  for (const text of [
    inspect(error, { depth: 20, showHidden: true }),
    JSON.stringify(error),
    JSON.stringify(items),
    JSON.stringify(failures),
    JSON.stringify(logger.lines),
  ]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(API_KEY);
  }
});
