import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { ServerElicitationCompleteEvent } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { McpUrlElicitationRequiredError } from '../errors/mcp-url-elicitation-required.error.js';
import {
  ElicitationCompletions,
  MAX_PENDING_ELICITATIONS,
  PENDING_ELICITATION_TTL_MS,
} from './elicitation-completions.js';

const elicit = (elicitationId: unknown, mode = 'url'): JSONRPCRequest => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'elicitation/create',
  params: { mode, message: 'Connect', url: 'https://a.example/', elicitationId },
});
const answer = (action: string): JSONRPCMessage => ({ jsonrpc: '2.0', id: 1, result: { action } });
const complete = (elicitationId: unknown) => ({
  jsonrpc: '2.0' as const,
  method: 'notifications/elicitation/complete',
  params: { elicitationId },
});

function setUp() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const events = new FastMcpEvents();
  const raised: ServerElicitationCompleteEvent[] = [];
  events.on('server.elicitation_complete', (event) => raised.push(event));
  const completions = new ElicitationCompletions(events, { now: () => now });
  const advance = (ms: number) => void (now += ms);
  const ids = () => raised.map((event) => `${event.clientId}:${event.elicitationId}`);
  return { completions, raised, advance, ids };
}

describe('ElicitationCompletions', () => {
  it('raises the completion of an accepted url elicitation once, for its client id only', () => {
    const { completions, ids } = setUp();
    completions.answered('github', elicit('e-1'), answer('accept'));
    expect(completions.completed(complete('e-1'), 'slack')).toBe(true);
    expect(ids()).toEqual([]);
    completions.completed(complete('e-1'), 'github');
    completions.completed(complete('e-1'), 'github');
    expect(ids()).toEqual(['github:e-1']);
  });

  it('ignores ids never accepted: declined, cancelled, form mode, an error answer, unknown', () => {
    const { completions, ids } = setUp();
    completions.answered('c', elicit('declined'), answer('decline'));
    completions.answered('c', elicit('cancelled'), answer('cancel'));
    completions.answered('c', elicit('form', 'form'), answer('accept'));
    const refused: JSONRPCMessage = {
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32602, message: 'x' },
    };
    completions.answered('c', elicit('refused'), refused);
    for (const id of ['declined', 'cancelled', 'form', 'refused', 'never-sent', 7]) {
      expect(completions.completed(complete(id), 'c')).toBe(true);
    }
    expect(ids()).toEqual([]);
  });

  it('raises the completion of an id a -32042 error listed once, for its client id only', () => {
    const { completions, advance, ids } = setUp();
    const listed = (...elicitationIds: string[]) =>
      elicitationIds.map((elicitationId) => ({
        elicitationId,
        url: 'https://a.example/',
        message: 'm',
      }));
    completions.required(new McpUrlElicitationRequiredError(listed('r-1', 'r-2'), 'x'));
    completions.required(
      new McpUrlElicitationRequiredError(listed('r-1', 'r-2'), 'x', { clientId: 'c' }),
    );
    completions.completed(complete('r-1'), 'other');
    completions.completed(complete('r-1'), 'c');
    completions.completed(complete('r-1'), 'c');
    advance(PENDING_ELICITATION_TTL_MS);
    completions.completed(complete('r-2'), 'c');
    expect(ids()).toEqual(['c:r-1']);
  });

  it('leaves other notifications to the dispatcher', () => {
    const { completions } = setUp();
    const progress = { jsonrpc: '2.0' as const, method: 'notifications/progress', params: {} };
    expect(completions.completed(progress, 'c')).toBe(false);
  });

  it(`remembers the last ${MAX_PENDING_ELICITATIONS} accepted ids of a client id`, () => {
    const { completions, ids } = setUp();
    for (let i = 0; i <= MAX_PENDING_ELICITATIONS; i += 1) {
      completions.answered('c', elicit(`e-${i}`), answer('accept'));
    }
    completions.completed(complete('e-0'), 'c');
    completions.completed(complete('e-1'), 'c');
    completions.completed(complete(`e-${MAX_PENDING_ELICITATIONS}`), 'c');
    expect(ids()).toEqual(['c:e-1', `c:e-${MAX_PENDING_ELICITATIONS}`]);
  });

  it('forgets an accepted id after 24 hours', () => {
    const { completions, advance, ids } = setUp();
    completions.answered('c', elicit('old'), answer('accept'));
    advance(PENDING_ELICITATION_TTL_MS - 1000);
    completions.answered('c', elicit('new'), answer('accept'));
    advance(1000);
    completions.completed(complete('old'), 'c');
    completions.completed(complete('new'), 'c');
    expect(ids()).toEqual(['c:new']);
  });
});
