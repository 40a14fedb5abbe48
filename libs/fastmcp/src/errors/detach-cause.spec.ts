import { inspect } from 'node:util';
import { AxiosError, AxiosHeaders } from 'axios';
import { describe, expect, it } from 'vitest';
import { detachCause } from './detach-cause.js';
import { FastMcpError } from './fastmcp.error.js';
import { McpTransportError } from './mcp-transport.error.js';

const SECRET = 'sk-live-0123456789abcdefSECRET';

/** Every way an error is printed or serialised: none may show a secret. */
function printed(error: unknown): string[] {
  return [JSON.stringify(error), inspect(error, { depth: 20, showHidden: true })];
}

/** What undici throws on a malformed HTTP head: `data` holds the rest of the bytes it read. */
class HTTPParserError extends Error {
  override name = 'HTTPParserError';
  constructor(
    message: string,
    readonly code: string,
    readonly data: string,
  ) {
    super(message);
  }
}

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
    for (const text of printed(error)) {
      expect(text).not.toContain('key-API-0123456789');
      expect(text).not.toContain('pa55-word-123');
    }
  });
});

describe('a FastMcpError caused by any other error', () => {
  const parserError = new HTTPParserError(
    'Response does not match the HTTP/1.1 protocol (Invalid header value char)',
    'HPE_INVALID_HEADER_TOKEN',
    `\x01 Bearer ${SECRET}\r\n\r\n`,
  );

  it("drops undici's `data`, which may echo the request's Authorization", () => {
    const axiosError = new AxiosError(parserError.message, 'ERR_NETWORK');
    axiosError.cause = parserError;
    const error = new McpTransportError('network', 'ERR_NETWORK', { cause: axiosError });

    const inner = (error.cause as Error).cause as Error & { code?: string; data?: unknown };
    expect(inner).not.toBe(parserError);
    expect(inner).toMatchObject({ name: 'HTTPParserError', message: parserError.message });
    expect(inner.code).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(inner.data).toBeUndefined();
    expect(inner.stack).toContain('HTTPParserError');
    for (const text of printed(error)) expect(text).not.toContain(SECRET);
  });

  it('scrubs credential shapes from the message and the stack, down the cause chain', () => {
    const deepest = new TypeError(`rejected Authorization: Bearer ${SECRET}`);
    const middle = Object.assign(new Error('socket hang up', { cause: deepest }), {
      code: 'ECONNRESET',
      request: { headers: { authorization: `Bearer ${SECRET}` } },
    });
    const error = new FastMcpError('failed', { cause: middle });

    const cause = error.cause as Error & { code?: string; request?: unknown };
    expect(cause).toMatchObject({ name: 'Error', message: 'socket hang up', code: 'ECONNRESET' });
    expect(cause.request).toBeUndefined();
    expect(cause.cause).toMatchObject({
      name: 'TypeError',
      message: 'rejected Authorization: Bearer [REDACTED]',
    });
    for (const text of printed(error)) expect(text).not.toContain(SECRET);
  });

  it('removes the known secrets a given scrub knows, too', () => {
    const cause = new Error(`the server said ${SECRET} back`);
    const scrub = (text: string): string => text.split(SECRET).join('[REDACTED]');
    expect(detachCause(cause, scrub)).toMatchObject({ message: 'the server said [REDACTED] back' });
    expect(detachCause(`plain ${SECRET}`, scrub)).toBe('plain [REDACTED]');
  });

  it('keeps a FastMcpError cause, and a built-in error with nothing to drop, as they are', () => {
    const timeout = new McpTransportError('stream_cut', 'cut');
    expect(new FastMcpError('x', { cause: timeout }).cause).toBe(timeout);

    const reason = new Error('the caller gave up');
    expect(new FastMcpError('x', { cause: reason }).cause).toBe(reason);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(new FastMcpError('x', { cause: refused }).cause).toBe(refused);
    const aborted = new AbortController();
    aborted.abort();
    expect(new FastMcpError('x', { cause: aborted.signal.reason }).cause).toBe(
      aborted.signal.reason,
    );
  });

  it('ends a cause chain that loops, and one too deep', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    Object.assign(first, { cause: second, extra: 'dropped' });
    const detached = detachCause(first) as Error;
    let depth = 0;
    for (let at: unknown = detached; at instanceof Error; at = at.cause) depth += 1;
    expect(depth).toBeGreaterThan(1);
    expect(depth).toBeLessThanOrEqual(5);
  });

  it('makes a cause it cannot read a plain error saying so', () => {
    const hostile = new Proxy(new Error('x'), {
      getPrototypeOf: () => {
        throw new Error(SECRET);
      },
    });
    const cause = new FastMcpError('x', { cause: hostile }).cause as Error;
    expect(cause.message).toBe('the cause could not be read');
    for (const text of printed(cause)) expect(text).not.toContain(SECRET);
  });
});
