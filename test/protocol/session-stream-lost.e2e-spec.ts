// A 404 to the GET stream of a 2025 session means the server ended the session: the client drops
// it at once, so the next operation opens another session (initialize) instead of first sending
// its request into the one that is gone. The server is the official SDK's, stateful.
import { afterEach, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { until } from '../support/until.js';

let server: CountingToolsServer | undefined;
let app: ClientTestApp | undefined;

afterEach(async () => {
  await app?.close();
  await server?.close();
});

it('drops a session whose stream gets a 404; the next call opens another and runs once', async () => {
  server = await startCountingToolsServer();
  app = await startClientApp({
    servers: { c: { url: server.url, protocolVersion: '2025-11-25', listen: true } },
    dlq: false,
  });
  const failures: string[] = [];
  app.events.on('attempt.failed', ({ errorClass }) => failures.push(errorClass));
  await app.client.callToolWithRetry('c', 'lookup');
  const first = app.client.getSession('c')?.sessionId;
  expect(first).toEqual(expect.any(String));

  // The server ends the session and its stream; the client reopens the stream and gets a 404.
  await server.dropSessions();
  await until(() => app?.client.getSession('c') === undefined);
  expect(app.client.getSession('c')).toBeUndefined();

  await app.client.callToolWithRetry('c', 'lookup');
  const second = app.client.getSession('c')?.sessionId;
  expect(second).toEqual(expect.any(String));
  expect(second).not.toBe(first);
  // Nothing was sent into the gone session: no session_lost attempt, no re-initialisation.
  expect(failures).toEqual([]);
  expect(server.executions('lookup')).toBe(2);
  expect(server.liveSessions()).toBe(1);
});
