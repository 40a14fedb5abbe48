// What one call is given is checked before anything is sent: a tool name that is not a
// non-empty string, arguments that are not a JSON object, and call options of the wrong type
// or an unknown name fail with FastMcpConfigError naming the field. Before, a numeric tool name
// or array arguments went to the server (which answered -32603 with its schema's dump), a BigInt
// or a cycle failed as "unexpected failure", and a bad priority, timeout or onProgress was
// silently ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FastMcpConfigError, isDlqValidationError, isFastMcpConfigError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { answerJson, startScriptedMcpServer } from '../support/scripted-mcp-server.js';
import type { ScriptedMcpServerHandle } from '../support/scripted-mcp-server.js';

describe('a call given what no typed caller could give', () => {
  let server: ScriptedMcpServerHandle;
  let app: ClientTestApp;
  beforeAll(async () => {
    server = await startScriptedMcpServer(({ res, message }) =>
      answerJson(res, message, { content: [{ type: 'text', text: 'ran' }] }),
    );
    app = await startClientApp({ dlq: {}, servers: { s: { url: server.url } } });
    await app.client.connectWithRetry('s');
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const refusal = async (call: () => Promise<unknown>): Promise<FastMcpConfigError> => {
    const before = server.posts.length;
    const error = await call().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isFastMcpConfigError(error)).toBe(true);
    expect(server.posts.length).toBe(before);
    return error as FastMcpConfigError;
  };
  const client = () =>
    app.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;

  it.each([
    ['an empty tool name', '', {}, 'toolName: must be a non-empty string'],
    ['a numeric tool name', 123, {}, 'toolName: must be a non-empty string'],
    ['array arguments', 'echo', [1, 2], 'args: must be an object of the tool arguments'],
    ['string arguments', 'echo', 'text', 'args: must be an object of the tool arguments'],
    ['a BigInt argument', 'echo', { n: 1n }, 'args: must be JSON: a BigInt cannot be written'],
    [
      'a Date as arguments',
      'echo',
      new Date(0),
      'args: must be JSON: it does not write as an object',
    ],
    [
      'arguments whose toJSON gives an array',
      'echo',
      { toJSON: () => ['not', 'an', 'object'] },
      'args: must be JSON: it does not write as an object',
    ],
    // JSON would write these as something else (null, {}, nothing): the tool would run with
    // other arguments than the caller gave.
    [
      'a NaN argument',
      'echo',
      { n: NaN },
      'args: must be JSON: NaN cannot be written (JSON would send null)',
    ],
    [
      'an Infinity deep in the arguments',
      'echo',
      { a: [{ b: -Infinity }] },
      'args: must be JSON: -Infinity cannot be written (JSON would send null)',
    ],
    [
      'a Map argument',
      'echo',
      { m: new Map([['k', 1]]) },
      'args: must be JSON: a Map cannot be written (JSON would send {})',
    ],
    [
      'a Set argument',
      'echo',
      { s: new Set([1]) },
      'args: must be JSON: a Set cannot be written (JSON would send {})',
    ],
    [
      'a function argument',
      'echo',
      { f: () => 1 },
      'args: must be JSON: a function cannot be written (JSON would leave it out)',
    ],
    [
      'a tool name over 256 bytes',
      'é'.repeat(129),
      {},
      'toolName: must be at most 256 bytes of UTF-8',
    ],
  ])('%s is refused before anything is sent', async (_, tool, args, issue) => {
    const error = await refusal(() => client().callToolWithRetry('s', tool, args));
    expect(error.message).toBe(`Invalid call: ${issue}`);
  });

  it('an undefined property is left out as JSON leaves it, and the call goes', async () => {
    const before = server.posts.length;
    await app.client.callToolWithRetry('s', 'echo', { text: 'a', optional: undefined });
    const sent = server.posts.slice(before).map((post) => JSON.stringify(post.message));
    expect(sent).toContainEqual(expect.stringContaining('"arguments":{"text":"a"}'));
  });

  it('arguments that refer to themselves are refused, for callTool too', async () => {
    const args: Record<string, unknown> = { text: 'a' };
    args.self = args;
    const error = await refusal(() => client().callTool('s', 'echo', args));
    expect(error.message).toBe('Invalid call: args: must be JSON: it refers to itself (a cycle)');
  });

  it.each([
    ['null options', null, 'opts: must be an object'],
    [
      'a bad priority',
      { priority: 'urgent' },
      'opts.priority: must be one of "high", "normal", "low"',
    ],
    [
      'a negative maxTotalTimeoutMs',
      { maxTotalTimeoutMs: -1 },
      'opts.maxTotalTimeoutMs: must be a finite number between 1 and 2147483647, got -1',
    ],
    ['a signal that is not one', { signal: {} }, 'opts.signal: must be an AbortSignal'],
    [
      'an onProgress that is not a function',
      { onProgress: 5 },
      'opts.onProgress: must be a function',
    ],
    [
      'a resetTimeoutOnProgress that is not a boolean',
      { resetTimeoutOnProgress: 'yes' },
      'opts.resetTimeoutOnProgress: must be true or false',
    ],
    ['a task that is not a boolean', { task: 'yes' }, 'opts.task: must be true or false'],
    ['a misspelt option', { timeout: 5000 }, 'opts.timeout: is not an option'],
    [
      'a misspelt retry override',
      { retry: { maxRetry: 0 } },
      'opts.retry.maxRetry: is not an option',
    ],
    ['retry overrides that are not an object', { retry: 5 }, 'opts.retry: must be an object'],
  ])('%s is refused, naming the field, on every operation', async (_, opts, issue) => {
    for (const call of [
      () => client().callToolWithRetry('s', 'echo', { text: 'a' }, opts),
      () => client().listToolsWithRetry('s', opts),
      () => client().connectWithRetry('s', undefined, opts),
    ]) {
      const error = await refusal(call);
      expect(error.message.startsWith(`Invalid call: ${issue}`)).toBe(true);
      expect(error.issues.map((i) => i.field)).toEqual([issue.split(':')[0]]);
    }
  });

  it('a client id that is not a string is refused, not coerced to a configured one', async () => {
    for (const id of [123, ['s']]) {
      const error = await refusal(() => client().callToolWithRetry(id, 'echo', { text: 'a' }));
      expect(error.message).toMatch(/^Invalid call: clientId: must be letters, digits/);
      await refusal(() => client().listToolsWithRetry(id));
    }
  });

  it('a server config that is not an object is refused, naming config', async () => {
    for (const config of ['http://elsewhere', [], 42]) {
      const error = await refusal(() => client().connect('adhoc', config));
      expect(error.message).toMatch(/^Invalid call: config: must be an object/);
      expect(error.issues.map((i) => i.field)).toEqual(['config']);
    }
  });

  it('a replay of what is not a dead-letter entry is refused with DlqValidationError', async () => {
    for (const entry of [null, {}, 'entry']) {
      const error = await app.client.replay(entry as never).catch((e: unknown) => e);
      expect(isDlqValidationError(error), String(error)).toBe(true);
    }
  });

  it('takes a class instance as arguments, and every option given right', async () => {
    class Query {
      constructor(readonly text: string) {}
    }
    const controller = new AbortController();
    const result = await app.client.callToolWithRetry('s', 'echo', new Query('a') as never, {
      signal: controller.signal,
      onProgress: () => undefined,
      resetTimeoutOnProgress: false,
      maxTotalTimeoutMs: 5_000,
      priority: 'high',
      timeoutMs: 10_000,
    });
    expect(result.content).toEqual([{ type: 'text', text: 'ran' }]);
    expect(server.posts.at(-1)?.message.params).toMatchObject({ arguments: { text: 'a' } });
  });
});
