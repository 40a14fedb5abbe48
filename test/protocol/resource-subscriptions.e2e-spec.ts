// Resource subscriptions on a 2025 session (official SDK 1.x): resources/subscribe, updates as
// server.resource_updated events on the session's GET stream, the subscription asked for again
// on a new session, resources/unsubscribe, and a server without subscriptions refused up front.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  FastMcpConfigError,
  isMcpProtocolError,
  type ServerResourceUpdatedEvent,
} from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type SdkSessionsOptions, serveSdkSessions } from '../support/sdk-sessions-server.js';

const CONFIG = 'config://app';

/** One server per session, with the URIs that session subscribed to. */
interface SubscribingSession {
  mcp: McpServer;
  uris: Set<string>;
}

async function startSubscribingServer(
  subscribable: boolean,
  { updateAtOnce = false, ...options }: SdkSessionsOptions & { updateAtOnce?: boolean } = {},
) {
  const sessions: SubscribingSession[] = [];
  const requests: string[] = [];
  const served = await serveSdkSessions(() => {
    const capabilities = subscribable ? { resources: { subscribe: true } } : {};
    const mcp = new McpServer({ name: 'subscribing', version: '1.0.0' }, { capabilities });
    const session: SubscribingSession = { mcp, uris: new Set() };
    sessions.push(session);
    mcp.registerResource('config', CONFIG, {}, (uri) => ({
      contents: [{ uri: uri.href, text: 'config' }],
    }));
    if (subscribable) {
      mcp.server.setRequestHandler(SubscribeRequestSchema, (request) => {
        requests.push(`subscribe ${request.params.uri}`);
        session.uris.add(request.params.uri);
        // Before its answer, on the GET stream (dropped by the SDK when none is open).
        if (updateAtOnce) void mcp.server.sendResourceUpdated({ uri: request.params.uri });
        return {};
      });
      mcp.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
        requests.push(`unsubscribe ${request.params.uri}`);
        session.uris.delete(request.params.uri);
        return {};
      });
    }
    return mcp;
  }, options);
  /** Tells every session subscribed to `uri` that it changed (on its GET stream); closed ones throw. */
  const touch = async (uri: string): Promise<void> => {
    const subscribed = sessions.filter((session) => session.uris.has(uri));
    await Promise.allSettled(subscribed.map(({ mcp }) => mcp.server.sendResourceUpdated({ uri })));
  };
  return { ...served, sessions, requests, touch };
}

describe('resource subscriptions on a 2025 session', () => {
  let server: Awaited<ReturnType<typeof startSubscribingServer>>;
  let app: ClientTestApp | undefined;
  let updates: ServerResourceUpdatedEvent[];

  async function start(url: string): Promise<ClientTestApp> {
    app = await startClientApp({ servers: { subs: { url } }, dlq: false });
    updates = [];
    app.events.on('server.resource_updated', (event) => updates.push(event));
    return app;
  }

  beforeAll(async () => {
    server = await startSubscribingServer(true);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('raises server.resource_updated for a subscribed resource, until unsubscribed', async () => {
    const { client } = await start(server.url);
    await client.subscribeResourceWithRetry('subs', CONFIG);
    expect(server.requests).toEqual([`subscribe ${CONFIG}`]);
    expect(client.getResourceSubscriptions('subs')).toEqual([CONFIG]);

    // The GET stream opens beside the subscription: touch until its first update arrives.
    await vi.waitFor(async () => {
      await server.touch(CONFIG);
      expect(updates[0]).toEqual({ clientId: 'subs', uri: CONFIG });
    });

    await client.unsubscribeResourceWithRetry('subs', CONFIG);
    expect(server.requests.at(-1)).toBe(`unsubscribe ${CONFIG}`);
    expect(server.sessions.at(-1)?.uris.size).toBe(0);
    expect(client.getResourceSubscriptions('subs')).toEqual([]);
  });

  it('waits for the GET stream before subscribing, so an update sent at once arrives', async () => {
    const slow = await startSubscribingServer(true, { updateAtOnce: true, getDelayMs: 300 });
    try {
      const { client } = await start(slow.url);
      await client.subscribeResourceWithRetry('subs', CONFIG);
      await vi.waitFor(() => expect(updates).toEqual([{ clientId: 'subs', uri: CONFIG }]), {
        timeout: 2000,
      });
    } finally {
      await slow.close();
    }
  });

  it('says with a WARN when the server refuses the GET stream updates come on', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const closed = await startSubscribingServer(true, { refuseGet: true });
    try {
      const { client } = await start(closed.url);
      await client.subscribeResourceWithRetry('subs', CONFIG);
      expect(closed.requests).toEqual([`subscribe ${CONFIG}`]);
      const warned = warn.mock.calls.map(([message]) => String(message));
      expect(warned).toContainEqual(
        expect.stringContaining("subs: the server refused the session's GET stream"),
      );
    } finally {
      warn.mockRestore();
      await closed.close();
    }
  });

  it('subscribes again on a new session after the server lost the old one', async () => {
    const { client } = await start(server.url);
    await client.subscribeResourceWithRetry('subs', CONFIG);
    const first = client.getSession('subs')?.sessionId;
    await server.closeSessions();

    // The next operation opens a new session, which asks for the subscription again.
    await vi.waitFor(async () => {
      await client.listResourcesWithRetry('subs');
      expect(client.getSession('subs')?.sessionId).not.toBe(first);
    });
    expect(server.sessions.at(-1)?.uris).toEqual(new Set([CONFIG]));
    await vi.waitFor(async () => {
      await server.touch(CONFIG);
      expect(updates.at(-1)).toEqual({ clientId: 'subs', uri: CONFIG });
    });
  });

  it('forgets the subscriptions of a client id at disconnect', async () => {
    const { client } = await start(server.url);
    await client.subscribeResourceWithRetry('subs', CONFIG);
    await client.disconnect('subs');
    expect(client.getResourceSubscriptions('subs')).toEqual([]);
  });

  it('refuses a subscription the server does not offer, before sending anything', async () => {
    const plain = await startSubscribingServer(false);
    try {
      const { client } = await start(plain.url);
      const error: unknown = await client
        .subscribeResourceWithRetry('subs', CONFIG)
        .catch((e: unknown) => e);
      expect(isMcpProtocolError(error) && error.code).toBe(-32601);
      expect(String((error as Error).message)).toContain('capabilities.resources.subscribe');
      expect(plain.methods).not.toContain('resources/subscribe');
      expect(client.getResourceSubscriptions('subs')).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('refuses an empty uri with FastMcpConfigError naming it', async () => {
    const { client } = await start(server.url);
    const error: unknown = await client
      .subscribeResourceWithRetry('subs', '')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FastMcpConfigError);
    expect(String((error as Error).message)).toContain('uri');
  });
});
