import { describe, expect, it } from 'vitest';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type {
  ServerMessageEvent,
  ServerProgressEvent,
} from '../events/fastmcp-events.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { dispatchNotification } from './dispatch-notification.js';
import type { ExchangeContext } from './server-message.dispatcher.js';

const KEY = 'key-API-0123456789';

function context(onProgress?: ExchangeContext['onProgress']): ExchangeContext {
  return {
    clientId: 'c',
    signal: new AbortController().signal,
    handling: new Map(),
    progressToken: 7,
    onProgress,
    upstream: new UpstreamText({ headers: { 'X-Api-Key': KEY }, url: 'http://127.0.0.1:1/mcp' }),
  };
}

describe('dispatchNotification: what a server echoes of the request is scrubbed', () => {
  it('from a log line: its data (any JSON) and logger name', () => {
    const events = new FastMcpEvents();
    const seen: ServerMessageEvent[] = [];
    events.on('server.message', (event) => seen.push(event));
    const data = { text: `got key ${KEY}`, nested: [{ auth: 'Bearer tok-8d21e6f4b3a0c9' }], n: 1 };
    const params = { level: 'info', logger: `svc ${KEY}`, data };
    dispatchNotification(
      { jsonrpc: '2.0', method: 'notifications/message', params },
      context(),
      events,
    );
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen[0])).not.toContain(KEY);
    expect(JSON.stringify(seen[0])).not.toContain('tok-8d21e6f4b3a0c9');
    expect(seen[0]).toMatchObject({ level: 'info', data: { n: 1 } });
  });

  it("from a progress message, in the event and in the call's onProgress", () => {
    const events = new FastMcpEvents();
    const seen: ServerProgressEvent[] = [];
    const heard: unknown[] = [];
    events.on('server.progress', (event) => seen.push(event));
    const params = { progressToken: 7, progress: 1, total: 2, message: `key=${KEY}` };
    dispatchNotification(
      { jsonrpc: '2.0', method: 'notifications/progress', params },
      context((progress) => heard.push(progress)),
      events,
    );
    expect(seen).toHaveLength(1);
    expect(heard).toHaveLength(1);
    expect(JSON.stringify([seen, heard])).not.toContain(KEY);
    expect(seen[0]).toMatchObject({ progressToken: 7, progress: 1, total: 2 });
  });
});
