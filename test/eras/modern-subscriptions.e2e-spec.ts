// 2026-07-28 subscriptions/listen against a modern-only @modelcontextprotocol/server 2.x handler:
// a subscription opens a listen stream whose acknowledged filter names the URI, its updates and
// (with listen: true) the list changes arrive as events, a cut stream is opened again, and an
// unsubscribe closes the stream.
import type { ServerResponse } from 'node:http';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isMcpProtocolError, type ServerResourceUpdatedEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { serveFetch } from '../support/era-server/fetch-on-node.js';
import { serveOnLoopback } from '../support/loopback-server.js';

const CONFIG = 'config://app';

async function startModernServer(subscribable: boolean) {
  const handler = createMcpHandler(
    () => {
      const capabilities = {
        resources: subscribable ? { subscribe: true, listChanged: true } : { listChanged: true },
        tools: { listChanged: true },
      };
      const mcp = new McpServer({ name: 'modern-subs', version: '2.4.0' }, { capabilities });
      mcp.registerResource('config', CONFIG, {}, (uri) => ({
        contents: [{ uri: uri.href, text: 'config' }],
      }));
      return mcp;
    },
    { legacy: 'reject' },
  );
  /** The answers of the listen requests still open, and every filter asked for. */
  const listening = new Set<ServerResponse>();
  const filters: unknown[] = [];
  const server = await serveOnLoopback(async (req, res) => {
    await serveFetch(
      async (request) => {
        const body = (await request
          .clone()
          .json()
          .catch(() => undefined)) as { method?: string; params?: { notifications?: unknown } };
        if (body?.method === 'subscriptions/listen') {
          filters.push(body.params?.notifications);
          listening.add(res);
          res.once('close', () => listening.delete(res));
        }
        return handler.fetch(request);
      },
      req,
      res,
    );
  });
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    notify: handler.notify,
    listening,
    filters,
    /** Cuts every open listen stream, as a dropped connection would. */
    cutStreams: () => [...listening].forEach((res) => res.destroy()),
    close: async () => {
      await handler.close();
      await server.close();
    },
  };
}

describe('subscriptions/listen on 2026-07-28', () => {
  let server: Awaited<ReturnType<typeof startModernServer>>;
  let app: ClientTestApp | undefined;
  let updates: ServerResourceUpdatedEvent[];

  async function start(url: string, listen?: boolean): Promise<ClientTestApp> {
    app = await startClientApp({
      servers: { subs: { url, protocolVersion: '2026-07-28', listen } },
      dlq: false,
    });
    updates = [];
    app.events.on('server.resource_updated', (event) => updates.push(event));
    return app;
  }

  beforeAll(async () => {
    server = await startModernServer(true);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    server.filters.length = 0;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('opens a listen stream for the URI, raises its updates, and closes it at unsubscribe', async () => {
    const { client } = await start(server.url);
    await client.subscribeResourceWithRetry('subs', CONFIG);
    expect(server.filters).toEqual([{ resourceSubscriptions: [CONFIG] }]);
    expect(server.listening.size).toBe(1);

    // Acknowledged before the call returned: the first update is not missed.
    server.notify.resourceUpdated(CONFIG);
    await vi.waitFor(() => expect(updates).toEqual([{ clientId: 'subs', uri: CONFIG }]));

    await client.unsubscribeResourceWithRetry('subs', CONFIG);
    await vi.waitFor(() => expect(server.listening.size).toBe(0));
    expect(client.getResourceSubscriptions('subs')).toEqual([]);
  });

  it('with listen: true, asks for the list changes too and raises them', async () => {
    const { client, events } = await start(server.url, true);
    const changed: string[] = [];
    events.on('server.tools_changed', ({ clientId }) => changed.push(clientId));
    await client.listToolsWithRetry('subs');
    await vi.waitFor(() => expect(server.listening.size).toBe(1));
    expect(server.filters[0]).toEqual({
      toolsListChanged: true,
      promptsListChanged: true,
      resourcesListChanged: true,
    });
    await vi.waitFor(() => {
      server.notify.toolsChanged();
      expect(changed).toContain('subs');
    });
  });

  it('opens a cut stream again with the same filter, and its updates arrive', async () => {
    const { client } = await start(server.url);
    await client.subscribeResourceWithRetry('subs', CONFIG);
    server.cutStreams();
    await vi.waitFor(() => expect(server.filters).toHaveLength(2), { timeout: 5000 });
    expect(server.filters[1]).toEqual({ resourceSubscriptions: [CONFIG] });
    await vi.waitFor(() => {
      server.notify.resourceUpdated(CONFIG);
      expect(updates.length).toBeGreaterThan(0);
    });
  });

  it('fails a subscription the server does not offer, and opens no stream', async () => {
    const plain = await startModernServer(false);
    try {
      const { client } = await start(plain.url);
      const error: unknown = await client
        .subscribeResourceWithRetry('subs', CONFIG)
        .catch((e: unknown) => e);
      expect(isMcpProtocolError(error) && error.code).toBe(-32601);
      expect(plain.filters).toEqual([]);
      expect(client.getResourceSubscriptions('subs')).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
