// An output schema was compiled again after every listing (a listing brings new objects) and Ajv
// kept every compiled copy: 300 list+call cycles of a 300-property schema retained ~128 MiB, and
// a 208 KiB schema blocked 4-6 s on the first call after each listing. Now a schema is compiled
// once while cached (by a digest of its JSON, LRU-bounded), and one past 32 KiB is not compiled.
import { Ajv } from 'ajv';
import { afterEach, beforeEach, expect, it, type MockInstance, vi } from 'vitest';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { onePage, startHostileToolServer } from '../support/hostile-tool-server.js';

/** Ajv's core class, which the draft-07 and the 2020-12 classes both extend. */
const AjvCore = Object.getPrototypeOf(Ajv) as typeof Ajv;
/** Every Ajv compile, whichever class and instance. */
let compiles: MockInstance;
const closers: Array<() => Promise<void>> = [];
beforeEach(() => {
  compiles = vi.spyOn(AjvCore.prototype, 'compile');
});
afterEach(async () => {
  compiles.mockRestore();
  for (const close of closers.splice(0).reverse()) await close();
});

/** `count` string properties, each with its own maxLength. */
function wideSchema(count: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < count; i += 1) properties[`p${i}`] = { type: 'string', maxLength: i + 1 };
  return { type: 'object', properties };
}

async function toolWith(outputSchema: () => unknown, logger?: CapturingLogger) {
  const server = await startHostileToolServer({
    listing: () =>
      onePage({ name: 't', inputSchema: { type: 'object' }, outputSchema: outputSchema() })(),
  });
  closers.push(() => server.close());
  const app = await startClientApp({ servers: { h: { url: server.url } } }, logger);
  closers.push(() => app.close());
  return app;
}

async function listAndCall(app: ClientTestApp, cycles: number): Promise<void> {
  for (let i = 0; i < cycles; i += 1) {
    await app.client.listTools('h');
    await app.client.callTool('h', 't');
  }
}

it('a schema listed 30 times is compiled once', async () => {
  const app = await toolWith(() => wideSchema(300));
  await listAndCall(app, 30);
  expect(compiles).toHaveBeenCalledTimes(1);
});

it('the same schema from two servers is compiled once too', async () => {
  const app = await toolWith(() => wideSchema(50));
  const other = await startHostileToolServer({
    listing: onePage({ name: 't', inputSchema: { type: 'object' }, outputSchema: wideSchema(50) }),
  });
  closers.push(() => other.close());
  await app.client.connect('o', { url: other.url });
  await listAndCall(app, 2);
  await app.client.listTools('o');
  await app.client.callTool('o', 't');
  expect(compiles).toHaveBeenCalledTimes(1);
});

it('a schema that changes at every listing is compiled at every listing, and each call is checked', async () => {
  let listing = 0;
  const app = await toolWith(() => ({ ...wideSchema(3), title: `v${(listing += 1)}` }));
  await listAndCall(app, 5);
  expect(compiles).toHaveBeenCalledTimes(5);
});

it('a 208 KiB schema is not compiled: its results are unchecked, with one WARN', async () => {
  const logger = new CapturingLogger();
  const schema = wideSchema(5000);
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  const app = await toolWith(() => schema, logger);
  await listAndCall(app, 2);
  expect(compiles).not.toHaveBeenCalled();
  expect(logger.messages().filter((m) => m.startsWith('Results of tool'))).toEqual([
    `Results of tool t from h are not checked against its outputSchema: it is ${bytes} bytes, ` +
      'more than the 32768 compiled',
    `Results of tool t from h are not checked against its outputSchema: it is ${bytes} bytes, ` +
      'more than the 32768 compiled',
  ]);
});
