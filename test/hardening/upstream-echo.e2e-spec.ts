// Issue 12, item 3: an upstream that repeats the request's headers back (in a 401 body, in a
// JSON-RPC error message or its data) gets none of the configured values, tokens or URL
// credentials into an error, a dead letter, a log line or the sample app's REST error body.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  isMcpHttpError,
  isMcpTransportError,
  type McpHttpError,
} from '@app/fastmcp';
import { faults, startFaultProxy } from '../support/fault-proxy.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { InMemoryOAuthProvider } from '../support/oauth/in-memory-oauth-provider.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';
import { bodyOf, type SampleTestApp, startSampleApp } from '../sample/support/sample-test-app.js';

const HEADERS = {
  Authorization: 'Bearer tok-AUTH-0123456789',
  'X-Api-Key': 'key-API-0123456789',
  'X-Custom': 'SECRET789',
  Cookie: 'sid=ck-SID-0123456789; theme=dark',
};
/** A secret in the server URL's query, as some gateways take an API key. */
const QUERY_KEY = 'qk-API-0123456789';
const USER = 'svc-user';
const PASSWORD = 'pa55-word-123';
const OAUTH_TOKEN = 'oauth-tok-0123456789';
const SECRETS = [
  'tok-AUTH-0123456789',
  'key-API-0123456789',
  'SECRET789',
  PASSWORD,
  Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  OAUTH_TOKEN,
  'ck-SID-0123456789',
  QUERY_KEY,
];

/** Everything the request carried, raw and decoded, first (a body detail is cut at 200 chars). */
function echo({ req }: ScriptedRequest): string {
  const auth = req.headers.authorization ?? '';
  const credential = auth.replace(/^\S+\s+/, '');
  const decoded = auth.startsWith('Basic ') ? Buffer.from(credential, 'base64').toString() : '';
  const key = String(req.headers['x-api-key']);
  const custom = String(req.headers['x-custom']);
  // One cookie alone, and the request's path with its query, as servers' error pages do.
  const sid = /sid=([^;]*)/.exec(String(req.headers.cookie))?.[1] ?? '';
  return `${credential} ${decoded} ${key} ${custom} ${sid} ${req.url} ${auth}`;
}

/** tools/call `http-echo`: 401 with the echo as text; anything else: a JSON-RPC error. */
function answer(request: ScriptedRequest): void {
  const { res, message } = request;
  if (message.params?.name === 'http-echo') {
    return void res.writeHead(401, { 'content-type': 'text/plain' }).end(echo(request));
  }
  if (message.params?.name === 'challenge-echo') {
    const challenge = `Bearer realm="mcp", error="invalid_token", error_description="${echo(request)}"`;
    return void res.writeHead(401, { 'www-authenticate': challenge }).end();
  }
  const error = { code: -32000, message: echo(request), data: { headers: request.req.headers } };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error }));
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

let server: ScriptedMcpServerHandle;
let credentialsUrl: string;
beforeAll(async () => {
  server = await startScriptedMcpServer(answer);
  credentialsUrl = server.url.replace('http://', `http://${USER}:${PASSWORD}@`);
});
afterAll(() => server.close());

describe('the client', () => {
  const logger = new CapturingLogger();
  let app: ClientTestApp;
  beforeAll(async () => {
    const oauth = new InMemoryOAuthProvider();
    oauth.saveTokens({ access_token: OAUTH_TOKEN, token_type: 'Bearer' });
    app = await startClientApp(
      {
        servers: {
          keyed: { url: server.url, headers: HEADERS },
          userinfo: { url: credentialsUrl },
          oauth: { url: server.url, auth: oauth },
          queried: { url: `${server.url}?api_key=${QUERY_KEY}` },
        },
      },
      logger,
    );
  });
  afterAll(() => app.close());

  it.each([
    ['keyed', 'http-echo'],
    ['keyed', 'rpc-echo'],
    ['userinfo', 'http-echo'],
    ['userinfo', 'rpc-echo'],
    ['oauth', 'rpc-echo'],
    ['queried', 'http-echo'],
    ['queried', 'rpc-echo'],
  ])('%s, %s: no secret in the error, the dead letter or the logs', async (clientId, tool) => {
    const error = await app.client.callToolWithRetry(clientId, tool).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('[REDACTED]');
    expectNoSecret((error as Error).message);
    expectNoSecret(JSON.stringify(error));
    expectNoSecret(inspect(error, { depth: 20, showHidden: true }));

    const dlq = app.moduleRef.get(DeadLetterQueueService);
    const { items } = await dlq.list({ limit: 100 });
    expect(items.some((entry) => entry.clientId === clientId && entry.toolName === tool)).toBe(
      true,
    );
    expectNoSecret(JSON.stringify(items));
    expectNoSecret(JSON.stringify(logger.lines));
  });

  it.each(['keyed', 'userinfo', 'queried'])(
    '%s: a WWW-Authenticate challenge quoting them keeps its shape, not the secrets',
    async (clientId) => {
      const error = await app.client
        .callToolWithRetry(clientId, 'challenge-echo')
        .catch((e: unknown) => e);
      expect(isMcpHttpError(error)).toBe(true);
      const challenge = (error as McpHttpError).wwwAuthenticate ?? '';
      expect(challenge).toMatch(/^Bearer realm="mcp", error="invalid_token", error_description="/);
      expect(challenge).toContain('[REDACTED]');
      expectNoSecret(challenge);
      expectNoSecret(inspect(error, { depth: 20, showHidden: true }));
    },
  );

  it('the upstream did receive them', () => {
    const sent = JSON.stringify(server.posts.map((post) => post.headers));
    // The password travels only Basic-encoded, the query key in the URL.
    for (const secret of SECRETS.filter((s) => s !== PASSWORD && s !== QUERY_KEY)) {
      expect(sent).toContain(secret);
    }
    expect(server.posts.map((post) => post.url)).toContain(`/mcp?api_key=${QUERY_KEY}`);
  });
});

describe('ending a session whose DELETE is cut off', () => {
  it('disconnect() fails with a transport error holding no secret, not the HTTP request', async () => {
    const proxy = await startFaultProxy(server.url);
    const oauth = new InMemoryOAuthProvider();
    oauth.saveTokens({ access_token: OAUTH_TOKEN, token_type: 'Bearer' });
    const app = await startClientApp({
      servers: {
        keyed: { url: proxy.url, headers: HEADERS },
        userinfo: { url: proxy.url.replace('http://', `http://${USER}:${PASSWORD}@`) },
        oauth: { url: proxy.url, auth: oauth },
        queried: { url: `${proxy.url}?api_key=${QUERY_KEY}` },
      },
    });
    try {
      proxy.inject({ match: { httpMethod: 'DELETE' }, fault: faults.reset(), times: 100 });
      for (const clientId of ['keyed', 'userinfo', 'oauth', 'queried']) {
        await app.client.connectWithRetry(clientId);
        const error = await app.client.disconnect(clientId).catch((e: unknown) => e);
        expect(isMcpTransportError(error)).toBe(true);
        expect((error as Error).message).toMatch(/session end \(DELETE\) not delivered/);
        expectNoSecret(JSON.stringify(error));
        expectNoSecret(inspect(error, { depth: 20, showHidden: true }));
      }
      expect(proxy.requests.filter((r) => r.httpMethod === 'DELETE')).toHaveLength(4);
    } finally {
      await app.close();
      await proxy.close();
    }
  });
});

describe("the sample app's REST error body", () => {
  let sample: SampleTestApp;
  beforeAll(async () => {
    sample = await startSampleApp({
      FASTMCP_SERVERS: JSON.stringify({
        keyed: { url: server.url, headers: HEADERS },
        userinfo: { url: credentialsUrl },
      }),
    });
  });
  afterAll(() => sample.close());

  it.each([
    ['keyed', 'http-echo', 502],
    ['keyed', 'rpc-echo', 502],
    ['userinfo', 'http-echo', 502],
  ])('%s, %s: %i with no secret', async (clientId, tool, status) => {
    const response = await sample.http
      .post(`/mcp/clients/${clientId}/tools/${tool}/call`)
      .set(sample.auth)
      .send({ arguments: {} })
      .expect(status);
    expect(bodyOf(response).message).toContain('[REDACTED]');
    expectNoSecret(JSON.stringify(response.body));
    expectNoSecret(JSON.stringify(sample.logger.lines));
  });
});
