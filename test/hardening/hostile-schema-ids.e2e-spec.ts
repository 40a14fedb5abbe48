// An output schema's `$id` was registered in one Ajv shared by every server of the module: the
// first schema to claim an id decided how every later one with that id validated (a hostile
// server's `not: {}` refused an honest server's valid results), and an id Ajv cannot parse
// (`urn:x`) failed every call of the tool with an untyped error, after the tool ran.
import { afterEach, expect, it } from 'vitest';
import { isMcpProtocolError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { onePage, startHostileToolServer } from '../support/hostile-tool-server.js';

const WEATHER_ID = 'https://example.com/weather';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A server listing tool `t` with `outputSchema()` (asked at each listing), answering `structured`. */
async function toolServer(outputSchema: () => unknown, structured: unknown) {
  const server = await startHostileToolServer({
    listing: () =>
      onePage({ name: 't', inputSchema: { type: 'object' }, outputSchema: outputSchema() })(),
    structured: () => structured,
  });
  closers.push(() => server.close());
  return server;
}

async function appFor(urls: Record<string, string>, logger?: CapturingLogger) {
  const servers: Record<string, { url: string }> = {};
  for (const [clientId, url] of Object.entries(urls)) servers[clientId] = { url };
  const app = await startClientApp({ servers }, logger);
  closers.push(() => app.close());
  return app;
}

const outcomeOf = (app: ClientTestApp, clientId: string) =>
  app.client.callTool(clientId, 't').then(
    () => 'ok',
    (error: Error) => (isMcpProtocolError(error) ? error.message : `untyped: ${error.message}`),
  );

it("one server's $id does not decide how another server's results validate", async () => {
  const hostile = await toolServer(() => ({ $id: WEATHER_ID, type: 'object', not: {} }), {});
  const honest = await toolServer(
    () => ({
      $id: WEATHER_ID,
      type: 'object',
      properties: { temp: { type: 'number' } },
      required: ['temp'],
    }),
    { temp: 21 },
  );
  const app = await appFor({ hostile: hostile.url, honest: honest.url });
  await app.client.listTools('hostile');
  expect(await outcomeOf(app, 'hostile')).toMatch(/does not match its outputSchema/);
  await app.client.listTools('honest');
  expect(await outcomeOf(app, 'honest')).toBe('ok');
});

it('a schema changed under the same $id is checked as it is now', async () => {
  let required = 'a';
  const server = await toolServer(
    () => ({ $id: WEATHER_ID, type: 'object', required: [required] }),
    { b: 1 },
  );
  const app = await appFor({ h: server.url });
  await app.client.listTools('h');
  expect(await outcomeOf(app, 'h')).toMatch(/does not match its outputSchema/);
  required = 'b';
  await app.client.listTools('h');
  expect(await outcomeOf(app, 'h')).toBe('ok');
});

it('an $id Ajv cannot parse leaves the results unchecked with one WARN, never an untyped error', async () => {
  const server = await toolServer(() => ({ $id: 'urn:x', type: 'object' }), { n: 1 });
  const logger = new CapturingLogger();
  const app = await appFor({ h: server.url }, logger);
  await app.client.listTools('h');
  expect(await outcomeOf(app, 'h')).toBe('ok');
  expect(await outcomeOf(app, 'h')).toBe('ok');
  expect(logger.messages().filter((m) => m.startsWith('Results of tool'))).toEqual([
    'Results of tool t from h are not checked against its outputSchema: ' +
      'it does not compile (a bad $id or $ref, say)',
  ]);
});
