import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { McpDeliveryUnknownError } from '../errors/mcp-delivery-unknown.error.js';
import { McpAuthError } from '../errors/mcp-auth.error.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import type { RetryWithheldEvent } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { DEFAULT_RETRY_OPTIONS } from '../options/fastmcp-options.defaults.js';
import type { RetryOptions } from '../options/retry-options.interface.js';
import { deliveryOf, rpcErrorDelivery } from './delivery.js';
import { RetryRun } from './retry-run.js';

type SafeToRepeat = (ambiguousToolCalls: RetryOptions['ambiguousToolCalls']) => boolean;

function toolRun(safe: boolean | SafeToRepeat, policy: Partial<RetryOptions> = {}) {
  const clock = new FakeClock(undefined, true);
  const events = new FastMcpEvents();
  const withheld: RetryWithheldEvent[] = [];
  events.on('retry.withheld', (e) => withheld.push(e));
  const run = new RetryRun({
    operation: 'call_tool',
    clientId: 'pay-server',
    policy: { ...DEFAULT_RETRY_OPTIONS, jitter: 0, ...policy },
    clock,
    events,
    toolName: 'pay',
    safeToRepeat: typeof safe === 'function' ? safe : () => safe,
  });
  return { clock, run, withheld };
}

const ambiguous = [
  ['HTTP 502', () => new McpHttpError(502)],
  ['HTTP 500', () => new McpHttpError(500)],
  ['HTTP 504', () => new McpHttpError(504)],
  ['a timeout after the request was written', () => new McpTimeoutError('attempt', 30_000)],
  ['a cut stream', () => new McpTransportError('stream_cut', 'SSE stream ended')],
  [
    'a reset after the request was written',
    () => new McpTransportError('network', 'ECONNRESET', { delivery: 'unknown' }),
  ],
] as const;

const notDelivered = [
  ['HTTP 503', () => new McpHttpError(503)],
  ['HTTP 429', () => new McpHttpError(429)],
  [
    'a refused connection',
    () => new McpTransportError('network', 'ECONNREFUSED', { delivery: 'not_delivered' }),
  ],
  [
    'a timeout before the request was written',
    () => new McpTimeoutError('attempt', 30_000, { delivery: 'not_delivered' }),
  ],
] as const;

describe('retry safety of tools/call', () => {
  it.each(ambiguous)('withholds the retry of an unsafe tool after %s', async (_, make) => {
    const { clock, run, withheld } = toolRun(false);
    const failure = make();
    const final = await run.waitBeforeRetry(failure).catch((e: unknown) => e);
    expect(final).toBeInstanceOf(McpDeliveryUnknownError);
    expect((final as McpDeliveryUnknownError).cause).toBe(failure);
    expect((final as McpDeliveryUnknownError).toolName).toBe('pay');
    expect(clock.sleeps).toEqual([]);
    expect(withheld).toEqual([
      { operation: 'call_tool', clientId: 'pay-server', toolName: 'pay', error: failure.message },
    ]);
  });

  it.each(ambiguous)('retries a tool that is safe to repeat after %s', async (_, make) => {
    const { clock, run, withheld } = toolRun(true);
    await run.waitBeforeRetry(make());
    expect(clock.sleeps).toEqual([100]);
    expect(withheld).toEqual([]);
  });

  it.each(notDelivered)('retries even an unsafe tool after %s (not delivered)', async (_, make) => {
    const { clock, run } = toolRun(false);
    await run.waitBeforeRetry(make());
    expect(clock.sleeps).toHaveLength(1);
  });

  it("asks the tool's safety under the policy's ambiguousToolCalls, and retries when it says so", async () => {
    const asked: string[] = [];
    const unlessAlways: SafeToRepeat = (ambiguousToolCalls) => {
      asked.push(ambiguousToolCalls);
      return ambiguousToolCalls === 'always';
    };
    const { clock, run } = toolRun(unlessAlways, { ambiguousToolCalls: 'always' });
    await run.waitBeforeRetry(new McpHttpError(502));
    expect(asked).toEqual(['always']);
    expect(clock.sleeps).toEqual([100]);
  });

  it("withholds a tool that says no, whatever ambiguousToolCalls says (its own retry: 'never')", async () => {
    const { clock, run, withheld } = toolRun(false, { ambiguousToolCalls: 'always' });
    await expect(run.waitBeforeRetry(new McpHttpError(502))).rejects.toBeInstanceOf(
      McpDeliveryUnknownError,
    );
    expect(clock.sleeps).toEqual([]);
    expect(withheld).toHaveLength(1);
  });

  it('takes the not-delivered statuses from the policy', () => {
    expect(deliveryOf(new McpHttpError(503), [429, 503])).toBe('not_delivered');
    expect(deliveryOf(new McpHttpError(503), [429])).toBe('unknown');
    expect(deliveryOf(new McpHttpError(502), [502])).toBe('not_delivered');
    expect(deliveryOf(new McpTimeoutError('attempt', 5), [])).toBe('unknown');
  });

  it('reads a 4xx but 408, an OAuth refusal and a JSON-RPC refusal as not delivered', () => {
    expect(deliveryOf(new McpHttpError(400), [])).toBe('not_delivered');
    expect(deliveryOf(new McpHttpError(422), [])).toBe('not_delivered');
    expect(deliveryOf(new McpHttpError(408), [])).toBe('unknown');
    expect(deliveryOf(new McpHttpError(524), [])).toBe('unknown');
    expect(deliveryOf(new McpAuthError(401, 'http://x/mcp', 'refused'), [])).toBe('not_delivered');
    expect(rpcErrorDelivery(-32602)).toBe('not_delivered');
    expect(rpcErrorDelivery(-32022)).toBe('not_delivered');
    expect(rpcErrorDelivery(-32603)).toBeUndefined();
    expect(rpcErrorDelivery(-32000)).toBeUndefined();
  });

  it('never withholds a safe operation (no safeToRepeat: connect, tools/list)', async () => {
    const clock = new FakeClock(undefined, true);
    const run = new RetryRun({
      operation: 'list_tools',
      clientId: 'c',
      policy: { ...DEFAULT_RETRY_OPTIONS, jitter: 0 },
      clock,
      events: new FastMcpEvents(),
    });
    await run.waitBeforeRetry(new McpHttpError(502));
    expect(clock.sleeps).toEqual([100]);
  });
});
