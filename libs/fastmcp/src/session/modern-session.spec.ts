import { describe, expect, it } from 'vitest';
import { UpstreamText } from '../transport/upstream-text.js';
import { modernSession } from './modern-session.js';

const API_KEY = 'key-API-0123456789';
const upstream = new UpstreamText({ url: 'http://h/mcp', headers: { 'x-api-key': API_KEY } });

describe('the session view of a modern connection', () => {
  it('takes identity, capabilities and instructions from the discover result', () => {
    const session = modernSession(
      'c',
      'http://h/mcp',
      {
        era: 'modern',
        version: '2026-07-28',
        discover: {
          supportedVersions: ['2026-07-28'],
          capabilities: { tools: {} },
          instructions: 'be brief',
          _meta: { 'io.modelcontextprotocol/serverInfo': { name: 's', version: '9' } },
        },
      },
      upstream,
    );
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
    const session = modernSession(
      'c',
      'http://h/mcp',
      { era: 'modern', version: '2026-07-28' },
      upstream,
    );
    expect(session.serverInfo).toEqual({ name: 'unknown', version: 'unknown' });
    expect(session.capabilities).toEqual({});
  });

  it("removes the request's secrets from what the server says of itself", () => {
    const session = modernSession(
      'c',
      'http://h/mcp',
      {
        era: 'modern',
        version: '2026-07-28',
        discover: {
          supportedVersions: ['2026-07-28'],
          instructions: `call with ${API_KEY.toLowerCase()} ${'x'.repeat(10_000)}`,
          _meta: {
            'io.modelcontextprotocol/serverInfo': { name: API_KEY, title: 'gw', version: '1' },
          },
        },
      },
      upstream,
    );
    expect(session.serverInfo).toEqual({ name: '[REDACTED]', title: 'gw', version: '1' });
    expect(session.instructions).toBe(`call with [REDACTED] ${'x'.repeat(10_000)}`);
  });
});
