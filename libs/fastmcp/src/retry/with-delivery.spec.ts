import { describe, expect, it } from 'vitest';
import { isMcpHttpError, McpHttpError } from '../errors/mcp-http.error.js';
import { asNotDelivered } from './with-delivery.js';

describe('asNotDelivered', () => {
  it('copies the error with its type, fields, message and stack, marked not delivered', () => {
    const original = new McpHttpError(502, {
      clientId: 'github',
      operation: 'list_tools',
      detail: 'bad gateway',
    });

    const copy = asNotDelivered(original, 'call_tool') as McpHttpError;

    expect(copy).not.toBe(original);
    expect(isMcpHttpError(copy)).toBe(true);
    expect(copy).toBeInstanceOf(McpHttpError);
    expect(copy).toMatchObject({
      status: 502,
      clientId: 'github',
      operation: 'call_tool',
      delivery: 'not_delivered',
    });
    expect(copy.message).toBe(original.message);
    expect(typeof copy.stack).toBe('string');
    expect(copy.stack).toContain('HTTP 502');
    expect(original).toMatchObject({ delivery: undefined, operation: 'list_tools' });
  });

  it('returns what is not a module error, or already says so, as it is', () => {
    const plain = new Error('x');
    const refused = new McpHttpError(503, { operation: 'call_tool', delivery: 'not_delivered' });
    expect(asNotDelivered(plain, 'call_tool')).toBe(plain);
    expect(asNotDelivered(refused, 'call_tool')).toBe(refused);
  });
});
