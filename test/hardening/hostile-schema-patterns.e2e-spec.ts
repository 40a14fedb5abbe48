// An output schema's `pattern` is the server's: on V8's backtracking engine `^(a|a)*$` against
// "a" x 27 + "b" held the event loop 8.4 s (a 1 s budget). Patterns now run on RE2 (re2js): linear
// time, with a budget; a pattern RE2 cannot run leaves the tool's results unchecked, with a WARN.
import { afterEach, expect, it } from 'vitest';
import { isMcpProtocolError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { onePage, startHostileToolServer } from '../support/hostile-tool-server.js';

// Roomy for a loaded machine; a backtracking engine (16 s on V8) still passes the 5 s bound below.
const BUDGET = { requestTimeoutMs: 3000, totalTimeoutMs: 4000 };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A listed tool `t` whose `s` must match `pattern`, answering `{ s: value }`. */
async function patternTool(
  pattern: string,
  value: () => string,
  logger?: CapturingLogger,
): Promise<ClientTestApp> {
  const outputSchema = { type: 'object', properties: { s: { type: 'string', pattern } } };
  const server = await startHostileToolServer({
    listing: onePage({ name: 't', inputSchema: { type: 'object' }, outputSchema }),
    structured: () => ({ s: value() }),
  });
  closers.push(() => server.close());
  const app = await startClientApp({ servers: { h: { url: server.url } }, retry: BUDGET }, logger);
  closers.push(() => app.close());
  await app.client.listTools('h');
  return app;
}

const outcomeOf = (app: ClientTestApp) =>
  app.client.callTool('h', 't').then(
    () => 'ok',
    (error: Error) => (isMcpProtocolError(error) ? error.message : `untyped: ${error.name}`),
  );

it('^(a|a)*$ against "a" x 30 + "b": refused as a mismatch, within the call budget', async () => {
  let value = 'a'.repeat(30);
  const app = await patternTool('^(a|a)*$', () => value);
  expect(await outcomeOf(app)).toBe('ok');
  value += 'b';
  const started = Date.now();
  expect(await outcomeOf(app)).toBe(
    'MCP error -32602: structuredContent of tool t does not match its outputSchema: ' +
      'data/s must match pattern "^(a|a)*$"',
  );
  // V8 took ~16 s on this; the bound is the 4 s budget with some slack.
  expect(Date.now() - started).toBeLessThan(5000);
});

it('a pattern RE2 cannot run (a lookahead) leaves the results unchecked, with one WARN', async () => {
  const logger = new CapturingLogger();
  const app = await patternTool('^(?=x)', () => 'not x', logger);
  expect(await outcomeOf(app)).toBe('ok');
  expect(await outcomeOf(app)).toBe('ok');
  const warnings = logger.messages().filter((m) => m.startsWith('Results of tool'));
  expect(warnings).toEqual([
    'Results of tool t from h are not checked against its outputSchema: ' +
      'a pattern in it is not one RE2 runs (a lookaround or a backreference)',
  ]);
});

it('patterns whose cost passes the budget on a result leave that result unchecked', async () => {
  const logger = new CapturingLogger();
  // Fixed repeats: no backtracking blow-up on V8, but past RE2's DFA, ~20 ns per char x state.
  const app = await patternTool('a[ab]{900}b{30}$', () => 'ab'.repeat(128 * 1024), logger);
  expect(await outcomeOf(app)).toBe('ok');
  expect(logger.messages().filter((m) => m.startsWith('Results of tool'))).toEqual([
    'Results of tool t from h are not checked against its outputSchema: ' +
      'its patterns would take too long on this result',
  ]);
});
