import { describe, expect, it } from 'vitest';
import { saysSessionGone } from './session-gone.js';

const rpcError = (message: string): string =>
  JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

describe('saysSessionGone', () => {
  it.each([
    'Bad Request: No valid session ID provided',
    'Bad Request: No valid session ID',
    'Bad Request: Mcp-Session-Id header is required',
    'Session not found',
  ])('reads a 400 saying %j as a lost session', (message) => {
    expect(saysSessionGone(400, rpcError(message))).toBe(true);
  });

  // A call read as a lost session is sent again: a tool's own words must not count.
  it.each(['payment session expired at the bank', 'the session of the user is locked', ''])(
    'does not read a 400 saying %j as one',
    (message) => {
      expect(saysSessionGone(400, rpcError(message))).toBe(false);
    },
  );

  it('reads any 404 as a lost session, and no other status', () => {
    expect(saysSessionGone(404, '')).toBe(true);
    expect(saysSessionGone(403, rpcError('No valid session ID'))).toBe(false);
  });
});
