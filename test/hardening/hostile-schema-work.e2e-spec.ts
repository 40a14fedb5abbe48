// An output schema's work on a result is the server's to choose: a 1.5 KB chain of
// `anyOf: [{ $ref: next }, { $ref: next }]` doubles at every level, and checking `{ x: 0 }`
// against 23 levels took 3.5 GB and killed the process; `uniqueItems` on 40,000 small objects
// held the event loop 32 s (Ajv compares every pair). Each check now has a budget of subschema
// steps that grows with the result, and `uniqueItems` is checked in one pass.
import { afterEach, expect, it } from 'vitest';
import { isMcpProtocolError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { onePage, startHostileToolServer } from '../support/hostile-tool-server.js';

/** 2^24 branches: past any budget, and far past memory without one. */
const LEVELS = 24;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A listed tool `t` with `outputSchema`, answering `structured()`. */
async function toolWith(
  outputSchema: object,
  structured: () => unknown,
  logger?: CapturingLogger,
): Promise<ClientTestApp> {
  const server = await startHostileToolServer({
    listing: onePage({ name: 't', inputSchema: { type: 'object' }, outputSchema }),
    structured,
  });
  closers.push(() => server.close());
  const retry = { maxRetries: 0, totalTimeoutMs: 5000 };
  const app = await startClientApp({ servers: { h: { url: server.url } }, retry }, logger);
  closers.push(() => app.close());
  await app.client.listTools('h');
  return app;
}

const outcomeOf = (app: ClientTestApp) =>
  app.client.callTool('h', 't').then(
    () => 'ok',
    (error: Error) => (isMcpProtocolError(error) ? error.message : `untyped: ${error.name}`),
  );

/** `levels` definitions, each `combinator` of two references to the next, the last a string. */
function doublingChain(levels: number, combinator: string, draft07 = false): object {
  const defs: Record<string, object> = {};
  for (let level = 0; level < levels; level++) {
    const next = { $ref: `#/$defs/l${level + 1}` };
    defs[`l${level}`] = { [combinator]: [next, { ...next }] };
  }
  defs[`l${levels}`] = { type: 'string' };
  return {
    ...(draft07 ? { $schema: 'http://json-schema.org/draft-07/schema#' } : {}),
    type: 'object',
    properties: { x: { $ref: '#/$defs/l0' } },
    $defs: defs,
  };
}

it.each([
  ['anyOf', false],
  ['oneOf', false],
  ['anyOf', true],
])(
  'a chain of %s doubling 24 times (draft-07: %s) leaves the result unchecked, with one WARN',
  async (combinator, draft07) => {
    const logger = new CapturingLogger();
    const app = await toolWith(
      doublingChain(LEVELS, combinator, draft07),
      () => ({ x: 0 }),
      logger,
    );
    expect(await outcomeOf(app)).toBe('ok');
    expect(logger.messages().filter((m) => m.startsWith('Results of tool'))).toEqual([
      'Results of tool t from h are not checked against its outputSchema: ' +
        'its schema would take too long on this result',
    ]);
  },
);

it('a short chain on a real result is still checked: a mismatch is refused', async () => {
  const app = await toolWith(doublingChain(4, 'anyOf'), () => ({ x: 0 }));
  expect(await outcomeOf(app)).toMatch(
    /^MCP error -32602: structuredContent of tool t does not match its outputSchema: data\/x must be string/,
  );
});

it('a large real result is checked whole: the budget grows with the result', async () => {
  const item = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      name: { type: 'string' },
      tags: { type: 'array', items: { $ref: '#/$defs/tag' } },
    },
    required: ['id', 'name'],
  };
  const schema = {
    type: 'object',
    properties: { items: { type: 'array', items: item } },
    $defs: { tag: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
  };
  const items = Array.from({ length: 20_000 }, (_, id) => ({ id, name: `n${id}`, tags: ['a', 1] }));
  let last: unknown = 19_999;
  const app = await toolWith(schema, () => ({
    items: [...items.slice(0, -1), { id: last, name: 'z', tags: [] }],
  }));
  expect(await outcomeOf(app)).toBe('ok');
  last = 'not an integer';
  expect(await outcomeOf(app)).toMatch(/data\/items\/19999\/id must be integer/);
});

it('uniqueItems on 40,000 objects is checked in one pass, key order aside', async () => {
  const schema = { type: 'object', properties: { list: { type: 'array', uniqueItems: true } } };
  const list: object[] = Array.from({ length: 40_000 }, (_, i) => ({ a: i, b: 'x' }));
  const app = await toolWith(schema, () => ({ list }));
  expect(await outcomeOf(app)).toBe('ok');
  list.push({ b: 'x', a: 39_999 });
  expect(await outcomeOf(app)).toBe(
    'MCP error -32602: structuredContent of tool t does not match its outputSchema: ' +
      'data/list must NOT have duplicate items',
  );
});
