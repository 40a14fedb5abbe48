import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessageEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';

const CLIENT = 'proto';

describe('log lines from the server (notifications/message)', () => {
  let server: ProtocolSdkServerHandle;
  let app: ClientTestApp;
  const messages: ServerMessageEvent[] = [];

  beforeAll(async () => {
    server = await startProtocolSdkServer();
    app = await startClientApp({ servers: { [CLIENT]: { url: server.url } }, dlq: false });
    app.events.on('server.message', (event) => messages.push(event));
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('raises a server.message event for each log line sent during a call, in order', async () => {
    const result = await app.client.callTool(CLIENT, 'log_message', { text: 'hello' });
    expect(result.structuredContent).toEqual({ logged: 2 });
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({
      clientId: CLIENT,
      level: 'info',
      logger: 'protocol-server',
      data: 'hello',
    });
    expect(messages[1]).toMatchObject({
      clientId: CLIENT,
      level: 'warning',
      data: { text: 'hello', structured: true },
    });
    expect(messages[1]?.logger).toBeUndefined();
  });
});
