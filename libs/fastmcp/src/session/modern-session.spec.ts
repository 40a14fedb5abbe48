import { describe, expect, it } from 'vitest';
import { modernSession } from './modern-session.js';

describe('the session view of a modern connection', () => {
  it('takes identity, capabilities and instructions from the discover result', () => {
    const session = modernSession('c', 'http://h/mcp', {
      era: 'modern',
      version: '2026-07-28',
      discover: {
        supportedVersions: ['2026-07-28'],
        capabilities: { tools: {} },
        instructions: 'be brief',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 's', version: '9' } },
      },
    });
    expect(session).toEqual({
      clientId: 'c',
      url: 'http://h/mcp',
      protocolVersion: '2026-07-28',
      era: 'modern',
      serverInfo: { name: 's', version: '9' },
      capabilities: { tools: {} },
      instructions: 'be brief',
    });
    expect(session.sessionId).toBeUndefined();
  });

  it('says unknown when a modern error, not a discover result, decided the era', () => {
    const session = modernSession('c', 'http://h/mcp', { era: 'modern', version: '2026-07-28' });
    expect(session.serverInfo).toEqual({ name: 'unknown', version: 'unknown' });
    expect(session.capabilities).toEqual({});
  });
});
