// A 2025 server's own error code in -32020..-32022 inside a 200 (after progress, from a tool that
// may have run) is not a sign the server moved to 2026-07-28: -32000..-32099 are servers' own in
// 2025. It must not re-initialise and resend the call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  DlqReplayService,
  isMcpHttpError,
  isMcpProtocolError,
  isReplayConflictError,
} from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

/** tools/call answers 200 SSE: a progress notification, then its own error -32020. */
function answer({ res, message }: ScriptedRequest): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const progress = {
    jsonrpc: '2.0',
    method: 'notifications/progress',
    params: { progressToken: 'p', progress: 1 },
  };
  const error = { code: -32020, message: 'payment provider refused after charging' };
  res.write(`data: ${JSON.stringify(progress)}\n\n`);
  res.end(`data: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, error })}\n\n`);
}

describe('a 2025 session: a tool error coded -32020 inside a 200', () => {
  let server: ScriptedMcpServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startScriptedMcpServer(answer);
    app = await startClientApp({ servers: { legacy: { url: server.url } }, dlq: {} });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('runs the tool once: no new session, no resend; the protocol error is dead-lettered', async () => {
    await app.client.connectWithRetry('legacy');
    const initializes = server.count('initialize');
    const failure = await app.client
      .callToolWithRetry('legacy', 'pay', { amount: 1 })
      .catch((error: unknown) => error);
    // The server's answer, as any JSON-RPC error to a call: not retried, not a lost session.
    expect(isMcpProtocolError(failure) && failure.code).toBe(-32020);
    expect(server.count('tools/call')).toBe(1);
    expect(server.count('initialize')).toBe(initializes);
    const dlq = app.moduleRef.get(DeadLetterQueueService);
    await dlq.flushBuffer();
    const [entry] = (await dlq.list()).items;
    expect(entry).toMatchObject({ toolName: 'pay', errorClass: 'protocol_-32020' });
    // The tool may have run: not a refusal, so a replay runs it only with force.
    expect(isMcpProtocolError(failure) && failure.delivery).toBe('unknown');
    expect(entry.deliveryUnknown).toBe(true);
    await expect(app.moduleRef.get(DlqReplayService).replay(entry.id)).rejects.toSatisfy(
      isReplayConflictError,
    );
    expect(server.count('tools/call')).toBe(1);
  });
});

describe('a 2025 session: a 501 whose body carries -32021', () => {
  let server: ScriptedMcpServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startScriptedMcpServer(({ res, message }) => {
      res.writeHead(501, { 'content-type': 'application/json' });
      const error = { code: -32021, message: 'charged, then the notifier failed' };
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error }));
    });
    app = await startClientApp({ servers: { legacy: { url: server.url } }, dlq: false });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('is the status it is, not an era change: the call is not re-initialised and resent', async () => {
    await app.client.connectWithRetry('legacy');
    const [initializes, probes] = [server.count('initialize'), server.count('server/discover')];
    const failure = await app.client
      .callToolWithRetry('legacy', 'pay', { amount: 1 })
      .catch((error: unknown) => error);
    expect(isMcpHttpError(failure) && failure.status).toBe(501);
    expect(server.count('tools/call')).toBe(1);
    expect(server.count('initialize')).toBe(initializes);
    expect(server.count('server/discover')).toBe(probes);
  });
});
