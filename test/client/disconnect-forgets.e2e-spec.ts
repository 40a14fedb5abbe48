// disconnect() forgets what the client kept for a server given to connect* (not in `servers`):
// an app that connects a new client id per tenant or per job must not keep one of each forever.
// A configured server keeps its state: reconnected, it is still the server that was unwell.
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CircuitOpenError,
  type ClientCredentialsAuthOptions,
  DlqReplayService,
  type EnhancedFastMcpService,
  type FastMcpModuleOptions,
  REDRIVE_GATE,
  type RedriveGate,
} from '@app/fastmcp';
import { ServerAuthRegistry } from '../../libs/fastmcp/src/auth/server-auth.registry.js';
import { RetryPolicies } from '../../libs/fastmcp/src/retry/retry-policies.js';
import { McpConnector } from '../../libs/fastmcp/src/session/mcp-connector.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  startCountingToolsServer,
  type CountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';
import { startPipelineApp, type PipelineTestApp } from '../support/pipeline-test-app.js';

const DYNAMIC_SERVERS = 20;
const SECRET = 'svc-secret-0123456789';
/** What the OAuth test server's `whoami` tool answers for client `svc`. */
const SVC = { clientId: 'svc', scopes: ['mcp:read'] };

let server: CountingToolsServer;
let proxy: FaultProxy;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  proxy.clear();
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

async function pipelineApp(options: FastMcpModuleOptions): Promise<PipelineTestApp> {
  const app = await startPipelineApp(options);
  cleanups.push(() => app.close());
  return app;
}

async function clientApp(options: FastMcpModuleOptions): Promise<ClientTestApp> {
  const app = await startClientApp({ ...options, dlq: false });
  cleanups.push(() => app.close());
  return app;
}

async function oauthServer(): Promise<OAuthTestServerHandle> {
  const oauth = await startOAuthTestServer({
    clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
  });
  cleanups.push(() => oauth.close());
  return oauth;
}

function credentials(oauth: OAuthTestServerHandle): ClientCredentialsAuthOptions {
  return {
    type: 'client_credentials',
    clientId: 'svc',
    clientSecret: SECRET,
    issuer: oauth.issuer,
  };
}

/** An app's provider that holds a token already (the counting server takes any). */
function staticTokenProvider(): OAuthClientProvider {
  return {
    redirectUrl: 'http://127.0.0.1/callback',
    clientMetadata: { redirect_uris: ['http://127.0.0.1/callback'] },
    clientInformation: () => ({ client_id: 'app' }),
    tokens: () => ({ access_token: 'token-0123456789', token_type: 'Bearer' }),
    saveTokens: () => undefined,
    redirectToAuthorization: () => undefined,
    saveCodeVerifier: () => undefined,
    codeVerifier: () => 'verifier',
  };
}

async function whoami(client: EnhancedFastMcpService, clientId: string): Promise<unknown> {
  const result = await client.callToolWithRetry(clientId, 'whoami');
  const [first] = result.content as Array<{ text: string }>;
  return JSON.parse(first.text) as unknown;
}

describe('disconnect of a server given to connect*', () => {
  it('forgets its policies, era verdict and merged retry policies', async () => {
    const app = await pipelineApp({ servers: {} });
    const connector = app.moduleRef.get(McpConnector, { strict: false });
    const retryPolicies = app.moduleRef.get(RetryPolicies, { strict: false });

    for (let i = 0; i < DYNAMIC_SERVERS; i++) {
      const clientId = `dyn-${i}`;
      // protocolVersion 'auto' (the default): the connect probes the era and keeps a verdict.
      await app.client.connectWithRetry(clientId, { url: server.url });
      await app.client.callToolWithRetry(clientId, 'lookup', { id: String(i) });
      await app.client.disconnect(clientId);
    }

    expect(server.executions('lookup')).toBe(DYNAMIC_SERVERS);
    expect(app.pipelines.serverCount).toBe(0);
    expect(connector.verdictCount).toBe(0);
    expect(retryPolicies.policyCount).toBe(0);
  });

  it('keeps no era verdict when the disconnect comes while the era probe is out', async () => {
    const app = await pipelineApp({ servers: {} });
    const connector = app.moduleRef.get(McpConnector, { strict: false });
    proxy.inject({
      match: { method: 'server/discover' },
      fault: faults.delayAnswer(300),
      times: 1,
    });
    const connecting = app.client.connect('dyn', { url: proxy.url }).catch((e: unknown) => e);
    await vi.waitFor(() =>
      expect(proxy.requests.some((r) => r.jsonRpcMethod === 'server/discover')).toBe(true),
    );
    await app.client.disconnect('dyn');
    await connecting;
    expect(connector.verdictCount).toBe(0);
    expect(app.client.getSession('dyn')).toBeUndefined();
  });

  it('keeps no OAuth ServerAuth when the disconnect comes while the era probe is out', async () => {
    const app = await clientApp({ servers: {} });
    const registry = app.moduleRef.get(ServerAuthRegistry, { strict: false });
    proxy.inject({
      match: { method: 'server/discover' },
      fault: faults.delayAnswer(300),
      times: 1,
    });
    const target = { url: proxy.url, auth: staticTokenProvider() };
    const connecting = app.client.connect('dyn', target).catch((error: unknown) => error);
    await vi.waitFor(() =>
      expect(proxy.requests.some((r) => r.jsonRpcMethod === 'server/discover')).toBe(true),
    );
    await app.client.disconnect('dyn');
    await connecting;
    expect(proxy.requests.some((r) => r.jsonRpcMethod === 'initialize')).toBe(true);
    expect(registry.clientCount).toBe(0);
    expect(app.client.getSession('dyn')).toBeUndefined();
  });

  it('keeps the server label of the pipeline metrics bounded, and drops its series', async () => {
    const target = { url: proxy.url, protocolVersion: '2025-11-25' };
    const app = await pipelineApp({
      servers: {},
      metrics: { maxClientIdLabels: 5 },
      resilience: { circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 } },
      retry: { maxRetries: 0 },
    });
    const serverValues = async (): Promise<Set<string>> => {
      const text = await app.registry.metrics();
      return new Set([...text.matchAll(/server="([^"]*)"/g)].map((m) => m[1]));
    };

    for (let i = 0; i < 30; i++) {
      const clientId = `dyn-${i}`;
      await app.client.connectWithRetry(clientId, target);
      proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 1 });
      await expect(app.client.callTool(clientId, 'lookup')).rejects.toThrow(/503/);
      expect(app.pipelines.circuitStates()).toEqual({ [clientId]: 'open' });
      // A disconnected server frees its label: the next one is labelled by its own name.
      expect(await serverValues()).toEqual(new Set([clientId]));
      await app.client.disconnect(clientId);
    }

    expect(app.transitions).toHaveLength(30);
    expect(await serverValues()).toEqual(new Set());
  });

  it('a call still out when its server is disconnected puts back no circuit state or series', async () => {
    const app = await pipelineApp({
      servers: {},
      resilience: { circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 } },
      retry: { maxRetries: 0, requestTimeoutMs: 300 },
    });
    await app.client.connectWithRetry('dyn', { url: proxy.url, protocolVersion: '2025-11-25' });
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.hang(), times: 1 });
    const call = app.client.callTool('dyn', 'lookup').catch((error: unknown) => error);
    await vi.waitFor(() => expect(proxy.requests.some((r) => r.fault?.kind === 'hang')).toBe(true));
    await app.client.disconnect('dyn');
    await call;
    proxy.releaseHung();
    expect(app.transitions).toEqual([]);
    expect(app.pipelines.circuitStates()).toEqual({});
    expect(app.pipelines.serverCount).toBe(0);
    expect(await app.registry.metrics()).not.toContain('server="dyn"');
  });

  it('a redrive round builds no policies for servers that were disconnected', async () => {
    const app = await pipelineApp({
      servers: {},
      resilience: { circuitBreaker: { consecutiveFailures: 5, openMs: 60_000 } },
      retry: { maxRetries: 0 },
      dlq: { redrive: [{ match: { errorClass: ['http_503'] }, after: 1, maxRedrives: 1 }] },
    });
    for (let i = 0; i < 5; i++) {
      await app.client.connectWithRetry(`dyn-${i}`, {
        url: proxy.url,
        protocolVersion: '2025-11-25',
      });
      proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 1 });
      await app.client.callToolWithRetry(`dyn-${i}`, 'lookup', { id: 'x' }).catch(() => undefined);
      await app.client.disconnect(`dyn-${i}`);
    }
    expect((await app.dlq.getStats()).dueForRedrive).toBe(5);
    expect(app.pipelines.serverCount).toBe(0);
    const gate = app.moduleRef.get<RedriveGate>(REDRIVE_GATE, { strict: false });
    for (let i = 0; i < 5; i++) expect(gate.holdReason(`dyn-${i}`)).toBeNull();
    expect(app.pipelines.serverCount).toBe(0);
  });

  it('forgets its OAuth tokens; a reconnect gets a new token and works', async () => {
    const oauth = await oauthServer();
    const auth = credentials(oauth);
    const app = await clientApp({ servers: {} });
    const registry = app.moduleRef.get(ServerAuthRegistry, { strict: false });

    for (let i = 0; i < DYNAMIC_SERVERS; i++) {
      await app.client.connect(`dyn-${i}`, { url: oauth.url, auth });
      expect(await whoami(app.client, `dyn-${i}`)).toEqual(SVC);
      await app.client.disconnect(`dyn-${i}`);
    }
    expect(registry.clientCount).toBe(0);
    expect(oauth.tokenRequests).toHaveLength(DYNAMIC_SERVERS);

    // The same client id and the same auth object again: a new ServerAuth, a new token.
    await app.client.connect('dyn-0', { url: oauth.url, auth });
    expect(await whoami(app.client, 'dyn-0')).toEqual(SVC);
    expect(oauth.tokenRequests).toHaveLength(DYNAMIC_SERVERS + 1);
    await app.client.disconnect('dyn-0');
    expect(registry.clientCount).toBe(0);
  });
});

describe('disconnect of a configured server', () => {
  it('keeps its open circuit across a reconnect, while a dynamic one starts closed', async () => {
    // Pinned to the 2025 era, so that a connect sends nothing a fault could match but initialize.
    const target = { url: proxy.url, protocolVersion: '2025-11-25' };
    const app = await pipelineApp({
      servers: { configured: target },
      resilience: { circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 } },
    });
    await app.client.connectWithRetry('configured');
    await app.client.connectWithRetry('dyn', target);
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 2 });
    await expect(app.client.callTool('configured', 'lookup')).rejects.toThrow(/503/);
    await expect(app.client.callTool('dyn', 'lookup')).rejects.toThrow(/503/);
    expect(app.pipelines.circuitStates()).toEqual({ configured: 'open', dyn: 'open' });

    await app.client.disconnect('configured');
    await app.client.disconnect('dyn');

    expect(app.pipelines.circuitStates()).toEqual({ configured: 'open' });
    await expect(app.client.connectWithRetry('configured')).rejects.toBeInstanceOf(
      CircuitOpenError,
    );
    await app.client.connectWithRetry('dyn', target);
    await expect(app.client.callToolWithRetry('dyn', 'lookup', { id: 'x' })).resolves.toMatchObject(
      { content: [{ text: 'x' }] },
    );
  });

  it('keeps one era verdict however many server URLs it is connected to', async () => {
    const app = await pipelineApp({ servers: { configured: { url: server.url } } });
    const connector = app.moduleRef.get(McpConnector, { strict: false });
    for (let i = 0; i < DYNAMIC_SERVERS; i++) {
      const url = `${server.url}?tenant=${i}`;
      await app.client.connectWithRetry('configured', { url });
      await app.client.callToolWithRetry('configured', 'lookup', { id: String(i) });
      expect(app.client.getSession('configured')?.url).toBe(url);
    }
    expect(connector.verdictCount).toBe(1);
  });

  it('keeps its OAuth tokens across a reconnect', async () => {
    const oauth = await oauthServer();
    const app = await clientApp({
      servers: { configured: { url: oauth.url, auth: credentials(oauth) } },
    });

    await app.client.connect('configured');
    expect(await whoami(app.client, 'configured')).toEqual(SVC);
    await app.client.disconnect('configured');
    await app.client.connect('configured');
    expect(await whoami(app.client, 'configured')).toEqual(SVC);
    expect(oauth.tokenRequests).toHaveLength(1);
  });
});

describe('replay of a dead letter whose client id is not connected', () => {
  /** An app whose client ids all reach the proxy through `baseUrl`; each call is tried once. */
  async function baseUrlApp(options: FastMcpModuleOptions = {}): Promise<PipelineTestApp> {
    return await pipelineApp({
      baseUrl: proxy.url,
      servers: {},
      retry: { maxRetries: 0 },
      ...options,
    });
  }

  /** Dead-letters one `lookup` of `clientId` (a 503), and returns the entry's id. */
  async function deadLetter(app: PipelineTestApp, clientId: string): Promise<string> {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 1 });
    await expect(
      app.client.callToolWithRetry(clientId, 'lookup', { id: clientId }),
    ).rejects.toThrow(/max retries exceeded/);
    const { items } = await app.dlq.getByClientId(clientId);
    expect(items).toHaveLength(1);
    return items[0].id;
  }

  it('connects it for the replay and disconnects it after, on both sides', async () => {
    const app = await baseUrlApp();
    const connector = app.moduleRef.get(McpConnector, { strict: false });
    const replays = app.moduleRef.get(DlqReplayService);
    const sessionsBefore = server.liveSessions();
    const ids: string[] = [];
    for (let i = 0; i < DYNAMIC_SERVERS; i++) {
      ids.push(await deadLetter(app, `dyn-${i}`));
      await app.client.disconnect(`dyn-${i}`);
    }
    expect(server.liveSessions()).toBe(sessionsBefore);

    const executionsBefore = server.executions('lookup');
    for (const id of ids) await replays.replay(id);

    expect(server.executions('lookup') - executionsBefore).toBe(DYNAMIC_SERVERS);
    expect(server.liveSessions()).toBe(sessionsBefore);
    for (let i = 0; i < DYNAMIC_SERVERS; i++)
      expect(app.client.getSession(`dyn-${i}`)).toBeUndefined();
    expect(app.pipelines.serverCount).toBe(0);
    expect(connector.verdictCount).toBe(0);
  });

  it('leaves connected a client id the app is using', async () => {
    const app = await baseUrlApp();
    const id = await deadLetter(app, 'dyn');
    expect(app.client.getSession('dyn')).toBeDefined();
    await app.moduleRef.get(DlqReplayService).replay(id);
    expect(app.client.getSession('dyn')).toBeDefined();
    await expect(app.client.callTool('dyn', 'lookup', { id: 'again' })).resolves.toMatchObject({
      content: [{ text: 'again' }],
    });
  });

  it('keeps the open circuit of a failed replay, so redrives to that server stay held', async () => {
    const app = await baseUrlApp({
      resilience: { circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 } },
    });
    const id = await deadLetter(app, 'dyn');
    await app.client.disconnect('dyn');
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 1 });

    await expect(app.moduleRef.get(DlqReplayService).replay(id)).rejects.toThrow(
      /max retries exceeded/,
    );

    expect(app.client.getSession('dyn')).toBeUndefined();
    expect(app.pipelines.circuitStates()).toEqual({ dyn: 'open' });
    const gate = app.moduleRef.get<RedriveGate>(REDRIVE_GATE, { strict: false });
    expect(gate.holdReason('dyn')).toBe('circuit open');
  });
});
