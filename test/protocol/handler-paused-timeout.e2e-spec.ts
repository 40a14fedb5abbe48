// The attempt timeout ran on while the client's own handler answered the server: a person who
// took longer than `requestTimeoutMs` to fill in an elicitation form had the answer thrown away,
// and a tool safe to repeat was sent again, so the person was asked again on every retry (a
// sampling handler, a paid model call, the same). That time is the client's, not the server's.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';

describe("the attempt timeout while the client's handler answers", () => {
  let server: ProtocolSdkServerHandle | undefined;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  async function callWithSlowPerson(retry: 'always' | undefined) {
    server = await startProtocolSdkServer();
    const asked: number[] = [];
    app = await startClientApp({
      servers: {
        s: { url: server.url, ...(retry ? { tools: { elicit_profile: { retry } } } : {}) },
      },
      dlq: false,
      retry: { requestTimeoutMs: 400, totalTimeoutMs: 10_000, maxRetries: 2 },
      handlers: {
        elicitation: async () => {
          asked.push(Date.now());
          await sleep(1_000); // a person filling in the form
          return { action: 'accept', content: { name: 'Ada' } };
        },
      },
    });
    const result = await app.client.callToolWithRetry('s', 'elicit_profile', { waitMs: 5_000 });
    const calls = server.requests.filter((request) => request.methods.includes('tools/call'));
    return { result, asked: asked.length, calls: calls.length };
  }

  it('is paused: the answer is used, and the person is asked once', async () => {
    const { result, asked, calls } = await callWithSlowPerson(undefined);
    expect(asked).toBe(1);
    expect(calls).toBe(1);
    expect(result.isError).not.toBe(true);
    expect(JSON.stringify(result.content)).toContain('Ada');
  });

  it('is paused for a tool safe to repeat too: no retry asks the person again', async () => {
    const { asked, calls } = await callWithSlowPerson('always');
    expect(asked).toBe(1);
    expect(calls).toBe(1);
  });
});
