// What a server chooses to say (a JSON-RPC error message, an error body, a tool's name) went
// into text log lines as it was: a CR/LF began a forged line ("[Nest] ... LOG [AuthService]
// admin login succeeded"), and ANSI or OSC escapes drove the terminal that showed the log.
import { afterEach, describe, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import {
  type ScriptedMcpServerHandle,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const FORGED =
  'x\r\n[Nest] 1  - LOG [AuthService] admin login succeeded user=root\n\u001b[2K\u001b[1A';

describe('server text in log lines', () => {
  let server: ScriptedMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  it('is one inert line: controls are written as escapes, nothing is dropped', async () => {
    server = await startScriptedMcpServer(({ res, message }) => {
      if (message.method === 'tools/list') {
        const tools = [{ name: `bad${FORGED}`, inputSchema: { type: 'string' } }];
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { tools } }));
      }
      if (message.params?.name === 'plain') {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return void res.end(`Bad request${FORGED}`);
      }
      const error = { code: -32001, message: FORGED };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error }));
    });
    const logger = new CapturingLogger();
    app = await startClientApp({ servers: { evil: { url: server.url } } }, logger);

    await app.client.listToolsWithRetry('evil');
    await app.client.callToolWithRetry('evil', 'rpc', {}).catch(() => undefined);
    await app.client.callToolWithRetry('evil', 'plain', {}).catch(() => undefined);

    const quoting = logger.lines.filter((line) => line.message.includes('admin login'));
    expect(quoting.length).toBeGreaterThanOrEqual(3);
    for (const { message } of logger.lines) {
      for (const control of ['\r', '\n', '\u001b']) expect(message).not.toContain(control);
    }
    expect(quoting.some(({ message }) => message.includes('x\\r\\n[Nest] 1'))).toBe(true);
    expect(quoting.some(({ message }) => message.includes('\\u001b[2K'))).toBe(true);
  });
});
