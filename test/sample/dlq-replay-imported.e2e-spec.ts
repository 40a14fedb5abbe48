import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import {
  type ScriptedMcpServerHandle,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';
import { bodyOf, type SampleTestApp, startSampleApp } from './support/sample-test-app.js';

const PASSWORD = 'pw-s3cret-in-url';
const QUERY_TOKEN = 'qtok-777-secret';
const ENTRY_ID = '01M8XD30TZ2YXC8N6JYPPSSTAA';

describe('replaying imported dead letters through the sample API', () => {
  let demo: DemoMcpServerHandle;
  let odd: ScriptedMcpServerHandle;
  let sample: SampleTestApp;

  beforeAll(async () => {
    demo = await startDemoMcpServer();
    // A tool result with a session's `url` and `protocolVersion` beside its content.
    odd = await startScriptedMcpServer(({ res, message }) => {
      const result =
        message.method === 'tools/list'
          ? { tools: [{ name: 'odd', inputSchema: { type: 'object' } }] }
          : { content: [{ type: 'text', text: 'ok' }], url: 'not a url', protocolVersion: 'x' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
    });
    const url = new URL(demo.url);
    url.username = 'alice';
    url.password = PASSWORD;
    url.searchParams.set('token', QUERY_TOKEN);
    sample = await startSampleApp({
      FASTMCP_DLQ: 'memory',
      FASTMCP_SERVERS: JSON.stringify({ creds: { url: url.href }, odd: { url: odd.url } }),
    });
  });
  afterAll(async () => {
    await sample?.close();
    await demo?.close();
    await odd?.close();
  });

  /** Imports a dead `operation` of `clientId` with `id`, as another instance exported it. */
  async function importEntry(
    id: string,
    operation: string,
    clientId: string,
    toolName?: string,
  ): Promise<void> {
    const now = new Date().toISOString();
    const entry = {
      id,
      operation,
      clientId,
      toolName,
      serverUrl: 'http://127.0.0.1:1/mcp',
      request: { method: operation === 'connect' ? 'initialize' : 'tools/list', headers: {} },
      error: `${operation} failed`,
      errorClass: 'network',
      attempts: [],
      retryCount: 0,
      firstAttemptAt: now,
      failedAt: now,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      replayCount: 0,
      status: 'dead',
      priority: 'normal',
    };
    const imported = await sample.http
      .post('/dlq/import')
      .set(sample.auth)
      .set('content-type', 'application/x-ndjson')
      .send(`${JSON.stringify(entry)}\n`)
      .expect(200);
    expect(imported.body).toMatchObject({ imported: 1 });
  }

  it('answers with the session as GET /mcp/clients shows it: no credentials, no session id', async () => {
    await importEntry(ENTRY_ID, 'connect', 'creds');

    const replayed = await sample.http.post(`/dlq/${ENTRY_ID}/replay`).set(sample.auth).expect(200);
    const body = bodyOf<{ id: string; result: Record<string, unknown> }>(replayed);
    expect(body.id).toBe(ENTRY_ID);
    const listed = bodyOf<Array<Record<string, unknown>>>(
      await sample.http.get('/mcp/clients').set(sample.auth).expect(200),
    ).find((client) => client.clientId === 'creds');
    expect(body.result).toEqual({
      clientId: 'creds',
      url: `${new URL(demo.url).origin}/mcp`,
      connected: listed?.connected,
      protocolVersion: expect.any(String) as string,
      era: expect.any(String) as string,
      serverName: expect.any(String) as string,
    });
    expect(body.result).toEqual({ ...listed, connected: body.result.connected });
    expect(replayed.text).not.toContain(PASSWORD);
    expect(replayed.text).not.toContain(QUERY_TOKEN);
  });

  it('answers 409 for an entry whose client id is not configured here, and keeps it as it was', async () => {
    const id = '01M8XD30TZ2YXC8N6JYPPSSTAB';
    await importEntry(id, 'list_tools', 'elsewhere');
    const before = bodyOf(await sample.http.get(`/dlq/${id}`).set(sample.auth).expect(200));

    const refused = await sample.http.post(`/dlq/${id}/replay`).set(sample.auth).expect(409);
    expect(refused.body).toMatchObject({
      statusCode: 409,
      code: 'UnknownClientError',
      clientId: 'elsewhere',
    });
    expect(bodyOf<{ message: string }>(refused).message).toContain('"elsewhere" is not connected');
    // Nothing was sent: its error, class, failure time and replay count are the other instance's.
    const kept = await sample.http.get(`/dlq/${id}`).set(sample.auth).expect(200);
    expect(kept.body).toEqual(before);
    expect(kept.body).toMatchObject({ errorClass: 'network', replayCount: 0, status: 'dead' });

    // A bulk job counts it skipped, not failed, and leaves it as it was too.
    const started = await sample.http
      .post('/dlq/replay')
      .set(sample.auth)
      .send({ filter: { clientId: 'elsewhere' } })
      .expect(202);
    const jobId = bodyOf<{ id: string }>(started).id;
    let job = bodyOf<Record<string, unknown>>(started);
    for (let i = 0; i < 100 && job.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = bodyOf(await sample.http.get(`/dlq/jobs/${jobId}`).set(sample.auth).expect(200));
    }
    expect(job).toMatchObject({ state: 'done', total: 1, skipped: 1, failed: 0, succeeded: 0 });
    const after = await sample.http.get(`/dlq/${id}`).set(sample.auth).expect(200);
    expect(after.body).toEqual(before);
  });

  it("answers with a tool's result as it is, whatever fields it has beside its content", async () => {
    const id = '01M8XD30TZ2YXC8N6JYPPSSTAC';
    await importEntry(id, 'call_tool', 'odd', 'odd');

    const replayed = await sample.http.post(`/dlq/${id}/replay`).set(sample.auth).expect(200);
    expect(bodyOf<{ result: unknown }>(replayed).result).toEqual({
      content: [{ type: 'text', text: 'ok' }],
      url: 'not a url',
      protocolVersion: 'x',
    });
  });
});
