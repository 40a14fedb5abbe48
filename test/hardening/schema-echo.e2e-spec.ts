// A handler's answer that breaks the server's requested schema is logged at WARN with why; the
// schema is the server's words, and what it names may echo the request's secrets.
import { afterEach, expect, it } from 'vitest';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';

let server: ProtocolSdkServerHandle | undefined;
let app: ClientTestApp | undefined;
afterEach(async () => {
  await app?.close();
  await server?.close();
  app = server = undefined;
});

it("scrubs the request's secrets from the WARN of an answer that breaks the requested schema", async () => {
  server = await startProtocolSdkServer();
  const logger = new CapturingLogger();
  // The profile form names a field `newsletter`: here it is also a configured header value.
  app = await startClientApp(
    {
      dlq: false,
      servers: { proto: { url: server.url, headers: { 'x-tenant': 'newsletter' } } },
      handlers: {
        elicitation: () =>
          ({ action: 'accept', content: { name: 'Ada', newsletter: 'yes' } }) as never,
      },
    },
    logger,
  );

  await app.client.callTool('proto', 'elicit_profile', {});

  const warnings = logger.lines
    .filter((line) => line.level === 'warn')
    .map((line) => String(line.message))
    .filter((message) => message.includes('was not sent'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('does not match the requested schema');
  expect(warnings[0]).toContain('[REDACTED]');
  expect(warnings[0]).not.toContain('newsletter');
});

// The server chose the schema, so it can have every answer refused: a WARN each was about 500
// lines a second from one server.
it('logs the 1st and 10th refused answer of a client id, not each one', async () => {
  server = await startProtocolSdkServer();
  const logger = new CapturingLogger();
  app = await startClientApp(
    {
      dlq: false,
      servers: { proto: { url: server.url } },
      handlers: {
        elicitation: () =>
          ({ action: 'accept', content: { name: 'Ada', newsletter: 'yes' } }) as never,
      },
    },
    logger,
  );

  for (let i = 0; i < 12; i++) await app.client.callTool('proto', 'elicit_profile', {});

  const warnings = logger.lines
    .filter((line) => line.level === 'warn')
    .map((line) => String(line.message))
    .filter((message) => message.includes('was not sent'));
  expect(warnings).toHaveLength(2);
  expect(warnings[1]).toContain('was not sent (10 answers so far)');
});
