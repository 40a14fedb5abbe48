import { describe, expect, it } from 'vitest';
import { McpProtocolError } from './mcp-protocol.error.js';

describe('McpProtocolError', () => {
  it('prefixes the message with its code', () => {
    expect(new McpProtocolError(-32601, 'no such method').message).toBe(
      'MCP error -32601: no such method',
    );
  });

  it('does not repeat a prefix the server already wrote', () => {
    const error = new McpProtocolError(-32602, 'MCP error -32602: Resource x://y not found');
    expect(error.message).toBe('MCP error -32602: Resource x://y not found');
  });

  it('keeps a prefix naming another code, which is the server text', () => {
    const error = new McpProtocolError(-32603, 'MCP error -32602: bad');
    expect(error.message).toBe('MCP error -32603: MCP error -32602: bad');
  });
});
