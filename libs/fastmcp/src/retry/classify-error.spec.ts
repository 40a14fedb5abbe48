import { describe, expect, it } from 'vitest';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted.error.js';
import { DEFAULT_RETRY_OPTIONS } from '../options/fastmcp-options.defaults.js';
import { classifyError, deadLetterKindOf } from './classify-error.js';

const codes = DEFAULT_RETRY_OPTIONS.retryableStatusCodes;

describe('classifyError', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(classifyError(new McpHttpError(status), codes)).toMatchObject({
      errorClass: `http_${status}`,
      retryable: true,
    });
  });

  it.each([400, 401, 403, 404, 405, 409, 422, 501])('does not retry HTTP %i', (status) => {
    expect(classifyError(new McpHttpError(status), codes)).toMatchObject({
      errorClass: `http_${status}`,
      retryable: false,
    });
  });

  it.each(['network', 'stream_cut', 'session_lost'] as const)('retries a %s failure', (failure) => {
    expect(classifyError(new McpTransportError(failure, 'x'), codes)).toEqual({
      errorClass: failure,
      retryable: true,
    });
  });

  it('retries an attempt timeout but not a spent budget', () => {
    expect(classifyError(new McpTimeoutError('attempt', 10), codes)).toEqual({
      errorClass: 'timeout',
      retryable: true,
    });
    expect(classifyError(new McpTimeoutError('budget', 10), codes)).toEqual({
      errorClass: 'budget_exhausted',
      retryable: false,
    });
  });

  it('does not retry JSON-RPC errors, the caller abort, or unknown errors', () => {
    expect(classifyError(new McpProtocolError(-32602, 'bad'), codes)).toEqual({
      errorClass: 'protocol_-32602',
      retryable: false,
    });
    expect(classifyError(new McpAbortedError(), codes).retryable).toBe(false);
    expect(classifyError(new Error('boom'), codes)).toEqual({
      errorClass: 'unknown',
      retryable: false,
    });
  });

  it('honours Retry-After only on 429 and 503', () => {
    expect(classifyError(new McpHttpError(429, { retryAfterMs: 900 }), codes).retryAfterMs).toBe(
      900,
    );
    expect(classifyError(new McpHttpError(503, { retryAfterMs: 900 }), codes).retryAfterMs).toBe(
      900,
    );
    expect(
      classifyError(new McpHttpError(502, { retryAfterMs: 900 }), codes).retryAfterMs,
    ).toBeUndefined();
  });

  it('uses the configured statuses', () => {
    expect(classifyError(new McpHttpError(503), [500]).retryable).toBe(false);
    expect(classifyError(new McpHttpError(418), [418]).retryable).toBe(true);
  });
});

describe('deadLetterKindOf', () => {
  it('names the kind of each final error, and none for an abort', () => {
    expect(deadLetterKindOf(new RetryExhaustedError(4, 10, new McpHttpError(503), {}))).toBe(
      'retries_exhausted',
    );
    expect(deadLetterKindOf(new McpTimeoutError('budget', 1))).toBe('budget_exhausted');
    expect(deadLetterKindOf(new McpHttpError(400))).toBe('http');
    expect(deadLetterKindOf(new McpTransportError('network', 'x'))).toBe('transport');
    expect(deadLetterKindOf(new McpProtocolError(-32602, 'x'))).toBe('protocol');
    expect(deadLetterKindOf(new McpAbortedError())).toBeNull();
  });
});
