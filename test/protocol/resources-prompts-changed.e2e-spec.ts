// A server that adds a resource and a prompt says so with notifications/resources/list_changed
// and notifications/prompts/list_changed (official SDK 1.x, on the session's GET stream): the
// client raises them as events, and the next listing has the new ones.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type SdkSessionsServer, serveSdkSessions } from '../support/sdk-sessions-server.js';

/** `publish` registers the resource `docs://news` and the prompt `summarize`. */
function startPublishingServer(): Promise<SdkSessionsServer> {
  const newServer = (): McpServer => {
    const mcp = new McpServer({ name: 'publishing', version: '1.0.0' });
    mcp.registerResource('readme', 'docs://readme', {}, (uri) => ({
      contents: [{ uri: uri.href, text: 'readme' }],
    }));
    mcp.registerPrompt('greet', {}, () => ({
      messages: [{ role: 'user', content: { type: 'text', text: 'hello' } }],
    }));
    mcp.registerTool('publish', {}, () => {
      // Each registration sends its list_changed notification.
      mcp.registerResource('news', 'docs://news', {}, (uri) => ({
        contents: [{ uri: uri.href, text: 'news' }],
      }));
      mcp.registerPrompt('summarize', {}, () => ({
        messages: [{ role: 'user', content: { type: 'text', text: 'summarize' } }],
      }));
      return { content: [{ type: 'text', text: 'published' }] };
    });
    return mcp;
  };
  return serveSdkSessions(newServer);
}

describe('notifications/resources/list_changed and notifications/prompts/list_changed', () => {
  let server: Awaited<ReturnType<typeof startPublishingServer>>;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startPublishingServer();
    app = await startClientApp({
      servers: { publishing: { url: server.url, listen: true } },
      dlq: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('raises server.resources_changed and server.prompts_changed; the next listings have the new ones', async () => {
    const changed: string[] = [];
    app.events.on('server.resources_changed', ({ clientId }) =>
      changed.push(`resources ${clientId}`),
    );
    app.events.on('server.prompts_changed', ({ clientId }) => changed.push(`prompts ${clientId}`));
    const uris = async () =>
      (await app.client.listResourcesWithRetry('publishing')).map((r) => r.uri);
    const names = async () =>
      (await app.client.listPromptsWithRetry('publishing')).map((p) => p.name);
    expect(await uris()).toEqual(['docs://readme']);
    expect(await names()).toEqual(['greet']);

    await app.client.callTool('publishing', 'publish');
    await vi.waitFor(() =>
      expect(changed.sort()).toEqual(['prompts publishing', 'resources publishing']),
    );
    expect(await uris()).toEqual(['docs://readme', 'docs://news']);
    expect(await names()).toEqual(['greet', 'summarize']);
  });
});
