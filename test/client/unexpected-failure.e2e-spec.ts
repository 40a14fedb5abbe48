// Something thrown that is not a FastMcpError (a bug, a runtime limit) reaches the caller as
// "unexpected failure": its text and cause scrubbed of the server's configured secrets and of
// credential shapes, like every other error. The faults are injected; the server is real.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isFastMcpError } from '@app/fastmcp';
import { McpOperations } from '../../libs/fastmcp/src/client/mcp-operations.js';
import { McpConnector } from '../../libs/fastmcp/src/session/mcp-connector.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  startCountingToolsServer,
  type CountingToolsServer,
} from '../support/counting-tools-server.js';

const CONFIGURED = 'cfg-key-5f0c2a9e71d4';
const EXPLICIT = 'tenant-key-93be17c0aa42';
const TOKEN = 'Bearer tok-8d21e6f4b3a0c9';

/** The private `send` every tools/list attempt goes through, to inject a fault into. */
const operations = () => McpOperations.prototype as unknown as { send(): Promise<unknown> };

/** Every text the error carries: its message, and each cause's message and stack. */
function texts(error: unknown): string {
  const out: string[] = [];
  for (let at: unknown = error; at instanceof Error; at = at.cause) {
    out.push(at.message, at.stack ?? '');
  }
  return out.join('\n');
}

describe('an unexpected failure', () => {
  let server: CountingToolsServer;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startCountingToolsServer();
    app = await startClientApp({
      servers: { s: { url: server.url, headers: { 'x-api-key': CONFIGURED } } },
      dlq: false,
    });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('keeps a configured header value and a token out of its message and cause', async () => {
    vi.spyOn(McpConnector.prototype, 'connect').mockRejectedValue(
      new TypeError(`connect broke: x-api-key=${CONFIGURED}, Authorization: ${TOKEN}`),
    );
    const error = await app.client.connect('s').catch((e: unknown) => e);
    expect(isFastMcpError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^unexpected failure: TypeError: connect broke/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(texts(error)).not.toContain(CONFIGURED);
    expect(texts(error)).not.toContain('tok-8d21e6f4b3a0c9');
  });

  it("keeps a server's headers given to connect() out of it, once connected", async () => {
    await app.client.connect('dyn', { url: server.url, headers: { 'x-tenant': EXPLICIT } });
    vi.spyOn(operations(), 'send').mockRejectedValue(
      new RangeError(`listing broke near x-tenant: ${EXPLICIT}`),
    );
    const error = await app.client.listTools('dyn').catch((e: unknown) => e);
    expect(isFastMcpError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^unexpected failure: RangeError: listing broke/);
    expect(texts(error)).not.toContain(EXPLICIT);
  });

  it('is still a FastMcpError when what was thrown cannot be read as text', async () => {
    await app.client.connect('s');
    const unreadable = {
      toString(): string {
        throw new Error('no text here');
      },
    };
    vi.spyOn(operations(), 'send').mockRejectedValue(unreadable);
    const error = await app.client.listTools('s').catch((e: unknown) => e);
    expect(isFastMcpError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'unexpected failure: a value that cannot be read as text',
    );
  });
});
