import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { startProtocolSdkServer } from './protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from './protocol-server/protocol-sdk-server.interface.js';
import { primingEventLength } from './protocol-server/ordered-event-store.js';
import { rawHttpPost } from './raw-http-post.js';
import { INITIALIZE_REQUEST } from './raw-mcp-request.js';

/** The official SDK client, with every client capability and resumption on. */
async function connectFullClient(url: string): Promise<Client> {
  const client = new Client(
    { name: 'sdk-reference-client', version: '1.0.0' },
    { capabilities: { elicitation: { form: { applyDefaults: true } }, sampling: {}, roots: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, () => ({
    action: 'accept',
    content: { name: 'Ada' },
  }));
  client.setRequestHandler(CreateMessageRequestSchema, () => ({
    role: 'assistant',
    content: { type: 'text', text: 'sampled' },
    model: 'test-model',
  }));
  client.setRequestHandler(ListRootsRequestSchema, () => ({
    roots: [{ uri: 'file:///work', name: 'work' }],
  }));
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    reconnectionOptions: {
      initialReconnectionDelay: 10,
      maxReconnectionDelay: 200,
      reconnectionDelayGrowFactor: 1,
      maxRetries: 3,
    },
  });
  await client.connect(transport);
  return client;
}

describe('protocol SDK server (checked with the official SDK client)', () => {
  let server: ProtocolSdkServerHandle;
  let client: Client | undefined;

  beforeAll(async () => {
    server = await startProtocolSdkServer({ retryIntervalMs: 150 });
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  afterAll(async () => {
    await server?.close();
  });

  const call = async (
    name: string,
    args: Record<string, unknown> = {},
    onprogress?: (p: Progress) => void,
  ) => {
    client ??= await connectFullClient(server.url);
    const result = await client.callTool({ name, arguments: args }, CallToolResultSchema, {
      onprogress,
    });
    return result.structuredContent as Record<string, unknown>;
  };

  it('elicits a form whose defaults the SDK client fills in', async () => {
    const report = await call('elicit_profile');
    expect(report.capability).toEqual({ form: { applyDefaults: true } });
    expect(report.answer).toEqual({
      ok: true,
      result: {
        action: 'accept',
        content: { name: 'Ada', age: 30, newsletter: true, color: 'blue' },
      },
    });
  });

  it('samples, lists roots and pings the client mid-call', async () => {
    expect((await call('sample_text', { prompt: 'hi' })).answer).toMatchObject({
      ok: true,
      result: { content: { type: 'text', text: 'sampled' }, model: 'test-model' },
    });
    expect((await call('list_roots')).answer).toEqual({
      ok: true,
      result: { roots: [{ uri: 'file:///work', name: 'work' }] },
    });
    expect((await call('ping_then_answer')).answer).toEqual({ ok: true, result: {} });
  });

  it('sends progress for a call with a progressToken', async () => {
    const seen: Progress[] = [];
    const report = await call('progress_work', { steps: 3, intervalMs: 10 }, (p) => seen.push(p));
    expect(report).toMatchObject({ steps: 3, sent: 3 });
    expect(seen.map((p) => p.progress)).toEqual([1, 2, 3]);
  });

  it('closes its SSE stream after the priming event; the SDK client resumes by GET and the work runs once', async () => {
    const report = await call('counted_work', {
      key: 'sdk-resume',
      workMs: 300,
      closeStream: true,
    });
    expect(report).toEqual({ key: 'sdk-resume', runs: 1 });
    expect(server.executions.runsOf('sdk-resume')).toBe(1);
    const resume = server.requests.find(
      (r) => r.httpMethod === 'GET' && r.headers['last-event-id'] !== undefined,
    );
    expect(resume).toBeDefined();
    expect(resume!.time - server.executions.streamClosedAt('sdk-resume')!).toBeGreaterThanOrEqual(
      140,
    );
    expect(server.eventStore.replays).toContain(resume!.headers['last-event-id']);
  });

  it('opens each POST stream with a priming event of the announced length', async () => {
    const init = await rawHttpPost(server.url, INITIALIZE_REQUEST);
    const text = init.body.toString('utf8');
    expect(text).toMatch(/^id: ev-\d{8}\nretry: 150\ndata: \n\n/);
    expect(text.indexOf('event: message')).toBe(primingEventLength(150));
  });
});
