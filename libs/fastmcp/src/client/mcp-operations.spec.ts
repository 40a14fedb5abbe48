import { describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { resolveOptions } from '../options/resolve-options.js';
import { AbortHandle } from '../retry/abort-handle.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { McpConnection, ToolRouting } from '../session/mcp-connection.interface.js';
import type { McpConnector } from '../session/mcp-connector.js';
import type { McpSession } from '../session/mcp-session.interface.js';
import type { ListenFilter } from '../session/listen-filter.js';
import { ResourceSubscriptions } from '../session/resource-subscriptions.js';
import { McpOperations } from './mcp-operations.js';

const URL = 'http://127.0.0.1:1/mcp';
const RUN = { now: () => 0, deadline: Infinity } as unknown as RetryRun;
const tool = (description: string) => ({
  name: 'route',
  description,
  inputSchema: { type: 'object' as const },
});

/** A connection whose tools/call asks for a relist (as a -32020 would) when `refresh` is set. */
function fakeConnection() {
  const state = { pages: 'good' as 'good' | 'same', refresh: false, lists: 0 };
  const connection: McpConnection = {
    session: { clientId: 'c', url: URL } as McpSession,
    target: { url: URL, headers: {} },
    end: () => Promise.resolve(),
    request: async (method, _params, _run, _exchange, routing?: ToolRouting) => {
      if (method === 'tools/list') {
        state.lists += 1;
        if (state.pages === 'good') return { tools: [tool('v1')] };
        return { tools: [tool(`v2 page ${state.lists}`)], nextCursor: 'same' };
      }
      const known = state.refresh ? await routing?.refreshTool?.() : routing?.tool;
      return { content: [{ type: 'text', text: known?.description ?? 'unknown' }] };
    },
  };
  const connector = { connect: () => Promise.resolve(connection), failed: () => false };
  const options = resolveOptions({ servers: { c: { url: URL } } });
  const operations = new McpOperations(
    options,
    connector as unknown as McpConnector,
    new FastMcpEvents(),
    new ResourceSubscriptions(),
  );
  return { state, operations };
}

describe('McpOperations relist (a header mismatch lists the tools again)', () => {
  it('fails the call on a repeated cursor, and keeps the previous listing', async () => {
    const { state, operations } = fakeConnection();
    await operations.listTools('c').attempt(RUN);
    state.pages = 'same';
    state.refresh = true;
    state.lists = 0;
    const error = await operations
      .callTool('c', 'route')
      .attempt(RUN)
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as Error).message).toMatch(/tools\/list repeated the cursor "same" on page 2/);
    expect(state.lists).toBe(2);
    state.refresh = false;
    const result = await operations.callTool('c', 'route').attempt(RUN);
    expect(result.content).toEqual([{ type: 'text', text: 'v1' }]);
  });
});

describe('McpOperations subscription on a 2026-07-28 connection', () => {
  const run = {
    now: () => 0,
    deadline: Infinity,
    beginAttempt: () => Promise.resolve(new AbortHandle()),
    recordSuccess: () => undefined,
    explainAbort: (error: unknown) => error,
  } as unknown as RetryRun;

  function modernOperations(acknowledged: ListenFilter) {
    const connection = {
      session: { clientId: 'c', url: URL, capabilities: { resources: { subscribe: true } } },
      target: { url: URL, headers: {}, era: 'modern' },
      end: () => Promise.resolve(),
      request: () => Promise.reject(new Error('no request is sent: the listen stream subscribes')),
    } as unknown as McpConnection;
    const connector = {
      connect: () => Promise.resolve(connection),
      failed: () => false,
      relisten: () => Promise.resolve(acknowledged),
    };
    const subscriptions = new ResourceSubscriptions();
    const operations = new McpOperations(
      resolveOptions({ servers: { c: { url: URL } } }),
      connector as unknown as McpConnector,
      new FastMcpEvents(),
      subscriptions,
    );
    return { operations, subscriptions };
  }

  it('keeps a subscription the server acknowledged', async () => {
    const { operations, subscriptions } = modernOperations({ resourceSubscriptions: ['a://'] });
    await operations.subscription('c', 'a://', true).attempt(run);
    expect(subscriptions.uris('c')).toEqual(['a://']);
  });

  it('fails one the acknowledgment leaves out, and does not keep it', async () => {
    const { operations, subscriptions } = modernOperations({ toolsListChanged: true });
    const error = await operations
      .subscription('c', 'a://', true)
      .attempt(run)
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(isMcpProtocolError(error) && error.code).toBe(-32601);
    expect((error as Error).message).toContain('did not acknowledge the subscription');
    expect(subscriptions.uris('c')).toEqual([]);
  });
});
