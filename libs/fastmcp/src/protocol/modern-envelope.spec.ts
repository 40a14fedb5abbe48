import { describe, expect, it } from 'vitest';
import { standardHeaders, withEnvelope } from './modern-envelope.js';

const CLIENT = { clientInfo: { name: 'c', version: '1' }, capabilities: { roots: {} } };

describe('the modern request envelope', () => {
  it('adds the three _meta keys and keeps the caller’s _meta', () => {
    const params = withEnvelope({ name: 't', _meta: { progressToken: 3 } }, '2026-07-28', CLIENT);
    expect(params).toEqual({
      name: 't',
      _meta: {
        progressToken: 3,
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': { roots: {} },
        'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
      },
    });
  });

  it('names the method, and the tool, prompt or resource where the spec asks for Mcp-Name', () => {
    expect(standardHeaders('tools/list', undefined, '2026-07-28')).toEqual({
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/list',
    });
    expect(standardHeaders('tools/call', { name: 'get_weather' }, '2026-07-28')['mcp-name']).toBe(
      'get_weather',
    );
    expect(standardHeaders('resources/read', { uri: 'file:///a b' }, 'v')['mcp-name']).toBe(
      'file:///a b',
    );
    expect(standardHeaders('prompts/get', { name: 'grüße' }, 'v')['mcp-name']).toBe(
      '=?base64?Z3LDvMOfZQ==?=',
    );
  });
});
