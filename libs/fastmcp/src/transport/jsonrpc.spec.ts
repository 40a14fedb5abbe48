import { describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { parseMessages } from './jsonrpc.js';
import { MAX_BATCH_MESSAGES } from './message-batch.js';

const errorOf = (text: string): unknown => {
  try {
    parseMessages(text);
  } catch (error) {
    return error;
  }
  throw new Error('expected parseMessages to throw');
};

describe('parseMessages', () => {
  it('takes requests, notifications and responses in their plain shape as they are', () => {
    const messages = [
      { jsonrpc: '2.0', id: 7, method: 'ping' },
      { jsonrpc: '2.0', id: 'e1', method: 'elicitation/create', params: { message: 'x' } },
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 1 } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: 2, error: { code: -32000, message: 'no' } },
    ];
    expect(parseMessages(JSON.stringify(messages))).toEqual(messages);
  });

  it('takes a request or notification with members of its own without them', () => {
    const messages = [
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 }, extra: 1 },
      { jsonrpc: '2.0', id: 3, method: 'ping', trace: 'x' },
    ];
    expect(parseMessages(JSON.stringify(messages))).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } },
      { jsonrpc: '2.0', id: 3, method: 'ping' },
    ]);
  });

  it.each([
    ['params that are a list', { jsonrpc: '2.0', method: 'x', params: [1] }],
    ['a fractional id', { jsonrpc: '2.0', id: 1.5, method: 'ping' }],
    ['another version', { jsonrpc: '1.0', method: 'x' }],
  ])('refuses a message with %s: -32700', (_, message) => {
    expect(errorOf(JSON.stringify(message))).toMatchObject({ code: -32700 });
  });

  it(`reads a batch of up to ${MAX_BATCH_MESSAGES} messages, and refuses a longer one: -32600`, () => {
    const note = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info' } };
    const batch = (count: number): string =>
      JSON.stringify(Array.from({ length: count }, () => note));
    expect(parseMessages(batch(MAX_BATCH_MESSAGES))).toHaveLength(MAX_BATCH_MESSAGES);
    const error = errorOf(batch(MAX_BATCH_MESSAGES + 1));
    expect(isMcpProtocolError(error)).toBe(true);
    expect(error).toMatchObject({ code: -32600 });
  });
});
