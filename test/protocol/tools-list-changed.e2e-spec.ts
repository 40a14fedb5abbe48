// A server whose tool changes its outputSchema says so with notifications/tools/list_changed:
// the client forgets its listing, so the old schema no longer fails the new results.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type SdkSessionsServer, serveSdkSessions } from '../support/sdk-sessions-server.js';

/** `report` answers `{ count }` until `evolve` runs, then `{ total }`, with its schema changed. */
function startEvolvingServer(): Promise<SdkSessionsServer> {
  const newServer = (): McpServer => {
    const mcp = new McpServer({ name: 'evolving', version: '1.0.0' });
    let evolved = false;
    const report = mcp.registerTool('report', { outputSchema: { count: z.number() } }, () => {
      const structuredContent = evolved ? { total: 3 } : { count: 3 };
      return { content: [{ type: 'text', text: '3' }], structuredContent };
    });
    mcp.registerTool('evolve', {}, () => {
      evolved = true;
      // Sends notifications/tools/list_changed, on the session's GET stream.
      report.update({ outputSchema: { total: z.number() } });
      return { content: [{ type: 'text', text: 'evolved' }] };
    });
    return mcp;
  };
  return serveSdkSessions(newServer);
}

describe('notifications/tools/list_changed', () => {
  let server: Awaited<ReturnType<typeof startEvolvingServer>>;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startEvolvingServer();
    app = await startClientApp({
      servers: { evolving: { url: server.url, listen: true } },
      dlq: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('forgets the listing, so the old outputSchema does not fail the new result', async () => {
    const changed: string[] = [];
    app.events.on('server.tools_changed', ({ clientId }) => changed.push(clientId));
    const before = await app.client.listTools('evolving');
    expect(before.find((t) => t.name === 'report')?.outputSchema?.properties).toHaveProperty(
      'count',
    );
    expect((await app.client.callTool('evolving', 'report')).structuredContent).toEqual({
      count: 3,
    });

    await app.client.callTool('evolving', 'evolve');
    await vi.waitFor(() => expect(changed).toEqual(['evolving']));

    const result = await app.client.callTool('evolving', 'report');
    expect(result.structuredContent).toEqual({ total: 3 });
    const after = await app.client.listTools('evolving');
    expect(after.find((t) => t.name === 'report')?.outputSchema?.properties).toHaveProperty(
      'total',
    );
  });
});
