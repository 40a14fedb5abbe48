import { inspect } from 'node:util';
import { AxiosError, AxiosHeaders } from 'axios';
import { describe, expect, it } from 'vitest';
import { FastMcpError } from './fastmcp.error.js';

describe('a FastMcpError caused by an axios error', () => {
  const headers = new AxiosHeaders({ 'x-api-key': 'key-API-0123456789' });
  const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
    code: 'ECONNREFUSED',
  });
  const axiosError = new AxiosError('connect ECONNREFUSED', 'ECONNREFUSED', {
    headers,
    url: 'http://user:pa55-word-123@127.0.0.1:9/mcp',
  });
  axiosError.cause = root;
  const error = new FastMcpError('network', { cause: axiosError });

  it('keeps the cause as a plain Error: name, message, code and its own cause', () => {
    const cause = error.cause as Error & { code?: string; config?: unknown };
    expect(cause).not.toBe(axiosError);
    expect(cause).toMatchObject({ name: 'AxiosError', message: 'connect ECONNREFUSED' });
    expect(cause.code).toBe('ECONNREFUSED');
    expect(cause.config).toBeUndefined();
    expect(cause.cause).toBe(root);
  });

  it('holds no request config, so no header and no URL credential, however it is printed', () => {
    for (const text of [JSON.stringify(error), inspect(error, { depth: 20, showHidden: true })]) {
      expect(text).not.toContain('key-API-0123456789');
      expect(text).not.toContain('pa55-word-123');
    }
  });

  it('leaves any other cause as it is', () => {
    expect(new FastMcpError('x', { cause: root }).cause).toBe(root);
  });
});
