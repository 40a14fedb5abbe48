// A server that says it speaks 2026-07-28 in server/discover but refuses it for tools/call with
// -32022, naming only 2025-11-25: the client SHOULD pick the common version and retry. It failed
// every call instead, naming "this client [2026-07-28]" though it speaks 2025-11-25 too.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpUnsupportedVersionError, isRetryExhaustedError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type RawModernMessage,
  type RawModernServerHandle,
  RAW_MODERN_DISCOVER,
  startRawModernServer,
} from '../support/raw-modern-server.js';

const LEGACY = '2025-11-25';

function refuseModern(res: ServerResponse, message: RawModernMessage): void {
  const error = {
    code: -32022,
    message: 'Unsupported protocol version',
    data: { supported: [LEGACY], requested: '2026-07-28' },
  };
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error }));
}

describe('a -32022 naming only a 2025 revision of this client', () => {
  let server: RawModernServerHandle | undefined;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = server = undefined;
  });

  async function start(protocolVersion?: '2026-07-28') {
    server = await startRawModernServer((message) => {
      const modern =
        message.params?._meta !== undefined &&
        'io.modelcontextprotocol/protocolVersion' in (message.params._meta as object);
      if (message.method === 'server/discover') {
        return { ...RAW_MODERN_DISCOVER, supportedVersions: ['2026-07-28', LEGACY] };
      }
      if (message.method === 'initialize') {
        return {
          protocolVersion: LEGACY,
          capabilities: { tools: {} },
          serverInfo: { name: 'dual', version: '1.0.0' },
        };
      }
      if (message.method === 'tools/call') {
        return modern ? refuseModern : { content: [{ type: 'text', text: 'in 2025' }] };
      }
      return undefined;
    });
    app = await startClientApp({
      servers: { s: { url: server.url, ...(protocolVersion ? { protocolVersion } : {}) } },
      dlq: false,
    });
    return { server, app };
  }

  it('re-issues the refused call in the 2025 era, and stays there', async () => {
    const { server, app } = await start();
    const first = await app.client.callToolWithRetry('s', 't', {});
    expect(first.content).toEqual([{ type: 'text', text: 'in 2025' }]);
    await app.client.callToolWithRetry('s', 't', {});

    expect(server.requestsOf('initialize')).toHaveLength(1);
    const calls = server.requestsOf('tools/call').map((r) => r.headers['mcp-protocol-version']);
    expect(calls).toEqual(['2026-07-28', LEGACY, LEGACY]);
    expect(server.requestsOf('server/discover')).toHaveLength(1);
  });

  it('a modern-only server that refuses initialize after all is probed again: the call goes through', async () => {
    let refusedOnce = false;
    server = await startRawModernServer((message) => {
      if (message.method === 'tools/call' && !refusedOnce) {
        refusedOnce = true;
        return refuseModern;
      }
      if (message.method === 'tools/call') return { content: [{ type: 'text', text: 'modern' }] };
      return undefined;
    });
    app = await startClientApp({ servers: { s: { url: server.url } }, dlq: false });
    const result = await app.client.callToolWithRetry('s', 't', {});
    expect(result.content).toEqual([{ type: 'text', text: 'modern' }]);
    expect(server.requests.map((r) => r.message.method)).toEqual([
      'server/discover',
      'tools/call',
      'initialize',
      'server/discover',
      'tools/call',
    ]);
  });

  it('a server that refuses both eras ends the call with a typed error, not a loop', async () => {
    server = await startRawModernServer((message) =>
      message.method === 'tools/call' ? refuseModern : undefined,
    );
    app = await startClientApp({ servers: { s: { url: server.url } }, dlq: false });
    const error = await app.client.callToolWithRetry('s', 't', {}).catch((e: unknown) => e);
    // Each round (modern refused, 2025 refused, probed again) is one attempt of the retry policy.
    expect(isRetryExhaustedError(error)).toBe(true);
    expect(server.requestsOf('tools/call').length).toBeLessThanOrEqual(5);
    expect(server.requestsOf('initialize').length).toBeLessThanOrEqual(4);
  });

  it('does not fall back when 2026-07-28 is pinned', async () => {
    const { server, app } = await start('2026-07-28');
    const error = await app.client.callToolWithRetry('s', 't', {}).catch((e: unknown) => e);
    expect(isMcpUnsupportedVersionError(error)).toBe(true);
    expect(server.requestsOf('initialize')).toHaveLength(0);
  });
});
