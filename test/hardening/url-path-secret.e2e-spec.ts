// Hosted MCP gateways issue URLs with the key as a path segment (`/api/mcp/s/<key>/mcp`). The
// module took out `user:password@` and credential-like query values everywhere, but kept the
// path: the key reached span `url.full`, log lines, the DLQ entry's `serverUrl` and, through a
// server that echoes its request path, error messages.
import { inspect } from 'node:util';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterQueueService } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { registerOtel, unregisterOtel } from '../support/otel-test-provider.js';
import {
  type ScriptedMcpServerHandle,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const PATH_KEY = 'pz7Kq2Vx9LmN4rT8wY3bC6dF1gH5jS0a';

describe('a server URL with its key as a path segment', () => {
  let server: ScriptedMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await server?.close();
    unregisterOtel();
  });

  it('keeps the key out of spans, logs, errors and the DLQ, even when the server echoes its path', async () => {
    const exporter = new InMemorySpanExporter();
    registerOtel(exporter);
    server = await startScriptedMcpServer(({ req, res, message }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const error = { code: -32601, message: `no tool on ${req.url}` };
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error }));
    });
    const { host } = new URL(server.url);
    const logger = new CapturingLogger();
    app = await startClientApp(
      { servers: { gw: { url: `http://${host}/api/mcp/s/${PATH_KEY}/mcp` } } },
      logger,
    );

    const error = await app.client.callToolWithRetry('gw', 'x', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(inspect(error, { depth: 5 })).not.toContain(PATH_KEY);
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) {
      expect(JSON.stringify([span.name, span.attributes, span.status, span.events])).not.toContain(
        PATH_KEY,
      );
    }
    const urls = spans.map((span) => span.attributes['url.full']).filter(Boolean);
    expect(urls).toContain(`http://${host}/api/mcp/s/[redacted]/mcp`);
    expect(JSON.stringify(logger.lines)).not.toContain(PATH_KEY);
    const entries = (await app.moduleRef.get(DeadLetterQueueService).list()).items;
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toContain(PATH_KEY);
    expect(entries[0]?.serverUrl).toBe(`http://${host}/api/mcp/s/[redacted]/mcp`);
  });
});
