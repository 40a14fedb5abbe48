import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import {
  DeadLetterQueueService,
  type FastMcpModuleOptions,
  isMcpInputRequiredError,
  isMcpMissingCapabilityError,
  isMcpUrlElicitationRequiredError,
  type McpInputRequiredError,
  type McpUrlElicitationRequiredError,
  type ServerElicitationCompleteEvent,
  type ServerRequestEvent,
} from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type ModernUrlServer,
  requiredElicitations,
  startModernUrlServer,
  startUrlElicitationSdkServer,
  type UrlElicitationSdkServer,
} from '../support/url-elicitation-servers.js';

type Handlers = NonNullable<FastMcpModuleOptions['handlers']>;
type Report = Record<string, unknown>;

const SECRET = 'url-elicitation-key-0123456789';
const CONNECT_URL = 'https://auth.example.com/connect?elicitation=e-1';
const BOTH_MODES: Handlers['elicitationModes'] = ['form', 'url'];

/** The app's elicitation handler: records what it is given, answers `answer`. */
class Person {
  readonly asked: ElicitRequest['params'][] = [];
  answer: unknown = { action: 'accept' };
  readonly elicitation = (params: ElicitRequest['params']): ElicitResult => {
    this.asked.push(params);
    return structuredClone(this.answer) as ElicitResult;
  };
}

interface TestApp {
  app: ClientTestApp;
  requests: ServerRequestEvent[];
  completed: ServerElicitationCompleteEvent[];
}

async function startApp(
  options: Pick<FastMcpModuleOptions, 'servers' | 'handlers' | 'dlq'>,
): Promise<TestApp> {
  const app = await startClientApp({ dlq: false, ...options });
  const requests: ServerRequestEvent[] = [];
  const completed: ServerElicitationCompleteEvent[] = [];
  app.events.on('server.request', (event) => requests.push(event));
  app.events.on('server.elicitation_complete', (event) => completed.push(event));
  return { app, requests, completed };
}

async function report(app: ClientTestApp, clientId: string, tool: string, args: Report) {
  const result = await app.client.callTool(clientId, tool, args);
  return result.structuredContent as Report;
}

describe('url-mode elicitation, 2025-11-25 (official SDK 1.x server)', () => {
  let server: UrlElicitationSdkServer;

  beforeAll(async () => {
    server = await startUrlElicitationSdkServer(SECRET);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe("declared (elicitationModes: ['form', 'url'])", () => {
    const person = new Person();
    let t: TestApp;
    const connect = (id: string, url = CONNECT_URL) =>
      report(t.app, 'sdk', 'connect_account', { id, url });
    const finish = (id: string) => report(t.app, 'sdk', 'finish', { id });

    beforeAll(async () => {
      t = await startApp({
        servers: { sdk: { url: server.url } },
        handlers: { elicitation: person.elicitation, elicitationModes: BOTH_MODES },
      });
    });
    afterEach(() => {
      person.asked.length = 0;
      person.answer = { action: 'accept' };
      t.requests.length = 0;
      t.completed.length = 0;
    });
    afterAll(async () => {
      await t?.app.close();
    });

    it('reaches the handler, and the server gets { action: "accept" }', async () => {
      expect(await connect('e-1')).toEqual({
        answer: { action: 'accept' },
        declared: { form: { applyDefaults: true }, url: {} },
      });
      expect(person.asked).toEqual([
        { mode: 'url', message: 'Connect your account', url: CONNECT_URL, elicitationId: 'e-1' },
      ]);
      expect(t.requests).toEqual([
        { clientId: 'sdk', method: 'elicitation/create', outcome: 'handled' },
      ]);
    });

    it('raises the completion of an accepted id once; unknown and repeated ids are ignored', async () => {
      await connect('e-2');
      await finish('unknown-id');
      expect(t.completed).toEqual([]);
      await finish('e-2');
      expect(t.completed).toEqual([{ clientId: 'sdk', elicitationId: 'e-2' }]);
      await finish('e-2');
      expect(t.completed).toHaveLength(1);
      // Declined: the person never went there, so its completion is not the client's.
      person.answer = { action: 'decline' };
      expect(await connect('e-3')).toMatchObject({ answer: { action: 'decline' } });
      await finish('e-3');
      expect(t.completed).toHaveLength(1);
    });

    it.each([
      ['a javascript: url', 'javascript:alert(document.cookie)', 'e-js', 'its url is not https:'],
      ['a data: url', 'data:text/html,<b>hi</b>', 'e-data', 'its url is not https:'],
      [
        'an http: url off loopback',
        'http://auth.example.com/connect',
        'e-http',
        'its url is http: on a host that is not loopback (only https: is allowed)',
      ],
      [
        'a url with a password',
        'https://user:pw@auth.example.com/',
        'e-userinfo',
        'its url carries a user name or password',
      ],
      ['an empty id', CONNECT_URL, '', 'its elicitationId is not a non-empty string'],
      [
        'a 257-character id',
        CONNECT_URL,
        'e'.repeat(257),
        'its elicitationId is over 256 characters',
      ],
    ])('refuses %s with -32602; the handler is not called', async (_case, url, id, problem) => {
      const got = await connect(id, url);
      expect(got.error).toEqual({
        code: -32602,
        message: `MCP error -32602: Invalid params for elicitation/create: ${problem}`,
      });
      expect(person.asked).toEqual([]);
      expect(t.requests).toEqual([
        { clientId: 'sdk', method: 'elicitation/create', outcome: 'failed' },
      ]);
    });

    it('takes an http: url on a loopback host', async () => {
      const url = 'http://127.0.0.1:8123/callback';
      expect(await connect('e-loop', url)).toMatchObject({ answer: { action: 'accept' } });
      expect(person.asked).toMatchObject([{ url }]);
    });

    it('refuses an answer with content: the server gets -32603, not the content', async () => {
      person.answer = { action: 'accept', content: { apiKey: 'typed-into-the-client' } };
      const got = await connect('e-content');
      expect(got.error).toEqual({
        code: -32603,
        message: 'MCP error -32603: The client could not answer elicitation/create',
      });
      expect(t.requests).toEqual([
        { clientId: 'sdk', method: 'elicitation/create', outcome: 'failed' },
      ]);
      await finish('e-content');
      expect(t.completed).toEqual([]);
    });
  });

  describe('not declared (the default, form only)', () => {
    const person = new Person();
    let t: TestApp;

    beforeAll(async () => {
      t = await startApp({
        servers: { sdk: { url: server.url } },
        handlers: { elicitation: person.elicitation },
      });
    });
    afterAll(async () => {
      await t?.app.close();
    });

    it('is refused with -32602 before the handler, and url is not declared', async () => {
      const got = await report(t.app, 'sdk', 'connect_account', { id: 'e-1', url: CONNECT_URL });
      expect(got).toEqual({
        error: { code: -32602, message: 'MCP error -32602: Elicitation mode not declared: url' },
        declared: { form: { applyDefaults: true } },
      });
      expect(person.asked).toEqual([]);
    });
  });

  describe('a tool that needs a URL elicitation first (-32042)', () => {
    let t: TestApp;
    let dlq: DeadLetterQueueService;

    beforeAll(async () => {
      const headers = { 'X-Api-Key': SECRET };
      t = await startApp({
        servers: {
          sdk: { url: server.url, headers },
          // Safe to repeat: only the error's class keeps it from being sent again.
          safe: { url: server.url, headers, tools: { needs_auth: { retry: 'always' } } },
        },
        handlers: { elicitation: new Person().elicitation, elicitationModes: BOTH_MODES },
        dlq: {},
      });
      dlq = t.app.moduleRef.get(DeadLetterQueueService);
    });
    afterAll(async () => {
      await t?.app.close();
    });

    const fail = (clientId: string) =>
      t.app.client
        .callToolWithRetry(clientId, 'needs_auth', {})
        .catch((e: unknown) => e) as Promise<McpUrlElicitationRequiredError>;

    it('fails with McpUrlElicitationRequiredError listing the valid elicitations, scrubbed', async () => {
      server.runs.delete('needs_auth');
      const error = await fail('sdk');
      expect(isMcpUrlElicitationRequiredError(error)).toBe(true);
      expect(error.clientId).toBe('sdk');
      expect(error.code).toBe(-32042);
      expect(error.message).toBe(
        'MCP error -32042: This request requires more information (sent with [REDACTED]).',
      );
      // The javascript: one and the one carrying the client's key are left out.
      const [files] = requiredElicitations(SECRET);
      expect(error.elicitations).toEqual([
        { elicitationId: files.elicitationId, url: files.url, message: files.message },
      ]);
      expect(JSON.stringify(error.data)).not.toContain(SECRET);
      expect(server.runs.get('needs_auth')).toBe(1);
      expect(error.delivery).toBe('not_delivered');
      const entry = (await dlq.list({ limit: 100 })).items.find((e) => e.clientId === 'sdk');
      expect(entry).toMatchObject({
        toolName: 'needs_auth',
        errorClass: 'url_elicitation_required',
      });
      expect(entry?.deliveryUnknown).toBeUndefined();
    });

    it('is not retried, even for a tool safe to repeat', async () => {
      server.runs.delete('needs_auth');
      const retriesBefore = t.app.retries.length;
      const error = await fail('safe');
      expect(isMcpUrlElicitationRequiredError(error)).toBe(true);
      expect(server.runs.get('needs_auth')).toBe(1);
      expect(t.app.retries.length).toBe(retriesBefore);
      const entry = (await dlq.list({ limit: 100 })).items.find((e) => e.clientId === 'safe');
      expect(entry?.errorClass).toBe('url_elicitation_required');
    });

    it("raises the completion of a listed id once, sent on the session's GET stream", async () => {
      const finish = (id: string) => report(t.app, 'sdk', 'finish', { id });
      t.completed.length = 0;
      await fail('sdk');
      // Unknown ids, and the listed ones left out of the error, raise nothing.
      for (const id of ['unknown-id', 'script-1', 'leak-1']) await finish(id);
      expect(t.completed).toEqual([]);
      // The app would send the call again when this arrives.
      await report(t.app, 'sdk', 'finish_on_session', { id: 'files-1' });
      await vi.waitFor(() =>
        expect(t.completed).toEqual([{ clientId: 'sdk', elicitationId: 'files-1' }]),
      );
      await finish('files-1');
      expect(t.completed).toHaveLength(1);
    });
  });
});

describe('url-mode elicitation in a 2026-07-28 input round (@modelcontextprotocol/server)', () => {
  let server: ModernUrlServer;
  let t: TestApp | undefined;
  const person = new Person();

  beforeAll(async () => {
    server = await startModernUrlServer();
  });
  afterEach(async () => {
    await t?.app.close();
    t = undefined;
    person.asked.length = 0;
    server.runs.clear();
    server.requests.length = 0;
  });
  afterAll(async () => {
    await server?.close();
  });

  const call = (url: string) =>
    t!.app.client.callToolWithRetry('modern', 'connect_account', { url }).catch((e: unknown) => e);
  const toolCalls = () => server.requests.filter((r) => r.body?.method === 'tools/call');

  it('answers the url input request with the handler, and the call completes', async () => {
    t = await startApp({
      servers: { modern: { url: server.url } },
      handlers: { elicitation: person.elicitation, elicitationModes: BOTH_MODES },
    });
    const result = await call(CONNECT_URL);
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'signIn: accept' }] });
    // That revision has no elicitationId.
    expect(person.asked).toEqual([
      { mode: 'url', message: 'Sign in to Example Co', url: CONNECT_URL },
    ]);
    const [first, second] = toolCalls();
    const meta = first.body?.params?._meta as Record<string, unknown>;
    expect(meta['io.modelcontextprotocol/clientCapabilities']).toEqual({
      elicitation: { form: { applyDefaults: true }, url: {} },
      extensions: { 'io.modelcontextprotocol/tasks': {} },
    });
    expect(second.body?.params?.inputResponses).toEqual({ signIn: { action: 'accept' } });
    expect(second.body?.params?.requestState).toBe('waiting-for-sign-in');
    expect(server.runs.get('connect_account')).toBe(2);
  });

  it('fails the call with McpInputRequiredError (invalid) for a url it refuses', async () => {
    t = await startApp({
      servers: { modern: { url: server.url } },
      handlers: { elicitation: person.elicitation, elicitationModes: BOTH_MODES },
    });
    const error = (await call('http://auth.example.com/connect')) as McpInputRequiredError;
    expect(isMcpInputRequiredError(error)).toBe(true);
    expect(error.failure).toBe('invalid');
    expect(error.message).toBe(
      'MCP error -32603: input_required: elicitation/create is not valid: its url is http: on a host that is not loopback (only https: is allowed)',
    );
    expect(person.asked).toEqual([]);
    expect(toolCalls()).toHaveLength(1);
    expect(t.requests).toEqual([
      { clientId: 'modern', method: 'elicitation/create', outcome: 'failed' },
    ]);
  });

  it('is never asked for when url is not declared: the server refuses the round (-32021)', async () => {
    t = await startApp({
      servers: { modern: { url: server.url } },
      handlers: { elicitation: person.elicitation },
    });
    const error = await call(CONNECT_URL);
    expect(isMcpMissingCapabilityError(error)).toBe(true);
    expect(person.asked).toEqual([]);
  });
});
