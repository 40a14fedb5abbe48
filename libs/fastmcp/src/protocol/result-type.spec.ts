import { describe, expect, it } from 'vitest';
import { isMcpInputRequiredError } from '../errors/mcp-input-required.error.js';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { resultTypeOf } from './result-type.js';

const API_KEY = 'configured-api-key-0123456';
const TARGET = { url: 'http://127.0.0.1:1/mcp', headers: { 'X-Api-Key': API_KEY } };
const check = (resultType: unknown, method = 'tools/call') =>
  resultTypeOf({ resultType }, method, TARGET, { clientId: 'demo' });
const failure = (resultType: unknown, method?: string): Error => {
  try {
    check(resultType, method);
  } catch (error) {
    return error as Error;
  }
  throw new Error('no failure');
};

describe('resultTypeOf', () => {
  it("reads an absent resultType and 'complete' as complete", () => {
    expect(check(undefined)).toBe('complete');
    expect(check('complete', 'tools/list')).toBe('complete');
  });

  it.each(['tools/call', 'prompts/get', 'resources/read'])('lets %s ask for input', (method) => {
    expect(check('input_required', method)).toBe('input_required');
  });

  it.each(['tools/list', 'server/discover', 'prompts/list'])(
    'refuses input_required to %s',
    (method) => {
      const error = failure('input_required', method);
      expect(isMcpInputRequiredError(error)).toBe(true);
      expect(error.message).toContain(`${method} may not ask for input`);
    },
  );

  it('takes task (the tasks extension) for tools/call and tasks/get, and for nothing else', () => {
    expect(resultTypeOf({ resultType: 'task' }, 'tools/call', TARGET, {})).toBe('task');
    expect(resultTypeOf({ resultType: 'task' }, 'tasks/get', TARGET, {})).toBe('task');
    expect(failure('task', 'tools/list').message).toContain('unknown resultType "task"');
  });

  it.each([['deferred'], [''], [1], [null], [{}]])('refuses the unknown resultType %j', (value) => {
    const error = failure(value);
    expect(isMcpProtocolError(error)).toBe(true);
    expect(isMcpInputRequiredError(error)).toBe(false);
    expect(error.message).toContain('unknown resultType');
  });

  it("names an unknown resultType scrubbed and capped: it is the server's words", () => {
    const error = failure(`${API_KEY}${'x'.repeat(500)}`);
    expect(error.message).not.toContain(API_KEY);
    expect(error.message.length).toBeLessThan(200);
  });
});
