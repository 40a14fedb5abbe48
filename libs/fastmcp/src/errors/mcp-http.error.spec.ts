import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { McpHttpError } from './mcp-http.error.js';

describe('McpHttpError', () => {
  it('keeps the challenge for the auth flow, but out of JSON and inspect (a server may echo the token)', () => {
    const challenge = 'Bearer error="invalid_token", error_description="tok-0123456789 expired"';
    const error = new McpHttpError(401, { wwwAuthenticate: challenge, clientId: 'github' });
    expect(error.wwwAuthenticate).toBe(challenge);
    expect(JSON.stringify(error)).not.toContain('tok-0123456789');
    expect(inspect(error)).not.toContain('tok-0123456789');
    expect(error).toMatchObject({ status: 401, clientId: 'github' });
  });
});
