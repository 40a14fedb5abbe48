import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';

const CLIENT = 'proto';
const CALLS = 30;

describe('a call that runs out of budget while progress keeps its attempt alive', () => {
  let server: ProtocolSdkServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startProtocolSdkServer();
    app = await startClientApp({ servers: { [CLIENT]: { url: server.url } }, dlq: false });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it(`fails with McpTimeoutError('budget') every time (${CALLS} calls)`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < CALLS; i += 1) {
      const error = await app.client
        .callToolWithRetry(
          CLIENT,
          'progress_work',
          // Progress every 10 ms keeps a 250 ms attempt alive unless the machine stalls for ~240 ms.
          { steps: 80, intervalMs: 10 },
          { retry: { requestTimeoutMs: 250 }, timeoutMs: 300 + (i % 7) * 13 },
        )
        .then(
          () => undefined,
          (e: unknown) => e as Error & { scope?: string },
        );
      outcomes.push(`${error?.name}:${error?.scope ?? '-'}`);
    }
    expect(outcomes.filter((o) => o !== 'McpTimeoutError:budget')).toEqual([]);
  }, 60_000);
});
