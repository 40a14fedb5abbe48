import { describe, expect, it } from 'vitest';
import {
  isMcpInputRequiredError,
  type McpInputRequiredError,
} from '../errors/mcp-input-required.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { resolveOptions } from '../options/resolve-options.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { ServerMessageDispatcher } from './server-message.dispatcher.js';

const API_KEY = 'configured-api-key-0123456';

describe('ServerMessageDispatcher input requests', () => {
  const dispatcher = new ServerMessageDispatcher(resolveOptions({}), new FastMcpEvents());
  const upstream = new UpstreamText({
    url: 'http://127.0.0.1:1/mcp',
    headers: { 'X-Api-Key': API_KEY },
  });
  const context = { clientId: 'github', signal: new AbortController().signal };
  const answer = async (requests: Record<string, unknown>) =>
    (await dispatcher.answerInputRequests(requests, context, upstream).then(
      () => undefined,
      (error: unknown) => error,
    )) as McpInputRequiredError;

  it("names a request's method and key scrubbed and capped: they are the server's words", async () => {
    const noHandler = await answer({ one: { method: `x/${API_KEY}` } });
    expect(isMcpInputRequiredError(noHandler)).toBe(true);
    expect(noHandler.failure).toBe('no_handler');
    expect(noHandler.message).toBe('MCP error -32603: input_required: no handler for x/[REDACTED]');
    expect(noHandler.method).toBe('x/[REDACTED]');

    const invalid = await answer({ [`${API_KEY}${'k'.repeat(500)}`]: { params: {} } });
    expect(invalid.failure).toBe('invalid');
    expect(invalid.message).not.toContain(API_KEY);
    expect(invalid.message.length).toBeLessThan(200);
  });
});
