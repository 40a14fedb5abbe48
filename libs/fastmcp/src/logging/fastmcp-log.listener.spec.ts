import { ConsoleLogger, Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMetricsTestModule,
  type MetricsTestModule,
} from '../../../../test/support/metrics/metrics-test-module.js';
import type {
  OperationFailedEvent,
  RetryScheduledEvent,
} from '../events/fastmcp-events.interface.js';

const retry: RetryScheduledEvent = {
  clientId: 'client-1',
  operation: 'call_tool',
  retry: 2,
  maxRetries: 3,
  delayMs: 219.6,
  reason: 'http_503',
  error: 'HTTP 503',
  cumulativeMs: 350.2,
};
const exhausted: OperationFailedEvent = {
  clientId: 'client-1',
  operation: 'connect',
  durationMs: 1_234,
  attempts: 4,
  errorClass: 'http_503',
  error: 'HTTP 503',
  retriesExhausted: true,
  deliveryUnknown: false,
};
const RETRY_LINE = 'Retry 2/3 for call_tool after 220ms (error: HTTP 503, cumulative time: 350ms)';
const EXHAUSTED_LINE = 'Max retries exceeded for connect (total time: 1.2s, last error: HTTP 503)';
const RETRY_FIELDS = {
  event: 'retry.scheduled',
  clientId: 'client-1',
  operation: 'call_tool',
  attempt: 2,
  retry: 2,
  maxRetries: 3,
  delayMs: 220,
  cumulativeMs: 350,
  errorClass: 'http_503',
};

describe('FastMcpLogListener', () => {
  let booted: MetricsTestModule | undefined;
  const boot = async (metrics?: false): Promise<MetricsTestModule> => {
    booted = await createMetricsTestModule({ logs: true, options: { metrics } });
    return booted;
  };

  afterEach(async () => {
    vi.restoreAllMocks();
    await booted?.moduleRef.close();
    booted = undefined;
  });

  it("writes the seed's retry and give-up lines word for word, with fields", async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { events } = await boot();
    events.emit('retry.scheduled', retry);
    events.emit('operation.failed', exhausted);
    events.emit('operation.failed', { ...exhausted, durationMs: 300 });

    expect(warn.mock.calls).toEqual([[RETRY_LINE, RETRY_FIELDS]]);
    expect(error.mock.calls).toEqual([
      [
        EXHAUSTED_LINE,
        {
          event: 'operation.failed',
          clientId: 'client-1',
          operation: 'connect',
          attempt: 4,
          durationMs: 1234,
          errorClass: 'http_503',
          retriesExhausted: true,
        },
      ],
      [
        'Max retries exceeded for connect (total time: 0.3s, last error: HTTP 503)',
        expect.objectContaining({ durationMs: 300 }),
      ],
    ]);
  });

  // A server may cut its stream and ask for no wait, 20 times an attempt: nothing is sent again.
  it("logs a stream's 1st and 10th resumption of an attempt, not each one; every retry", async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const { events } = await boot();
    for (let n = 1; n <= 20; n++) {
      events.emit('retry.scheduled', {
        ...retry,
        retry: n,
        maxRetries: 20,
        reason: 'stream_resume',
      });
    }
    for (let n = 1; n <= 3; n++) events.emit('retry.scheduled', { ...retry, retry: n });
    const lines = warn.mock.calls.map((call) => String(call[0]));
    expect(
      lines.filter((line) => line.startsWith('Retry 1/20') || line.startsWith('Retry 10/20')),
    ).toHaveLength(2);
    expect(lines).toHaveLength(5);
  });

  it('warns about a failure that used no retries up', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const { events } = await boot();
    events.emit('operation.failed', {
      ...exhausted,
      operation: 'call_tool',
      attempts: 1,
      errorClass: 'http_400',
      error: 'HTTP 400: bad request',
      retriesExhausted: false,
    });
    expect(warn).toHaveBeenCalledWith(
      'Operation call_tool failed for client client-1 (error: HTTP 400: bad request, attempts: 1)',
      expect.objectContaining({ errorClass: 'http_400', attempt: 1, retriesExhausted: false }),
    );
  });

  it('warns when a circuit opens or a retry budget runs dry, and notes the other transitions', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const { events } = await boot();
    events.emit('circuit.transition', { server: 'pay', from: 'closed', to: 'open' });
    events.emit('circuit.transition', { server: 'pay', from: 'open', to: 'half_open' });
    events.emit('retry.budget_exhausted', {
      server: 'pay',
      clientId: 'pay',
      operation: 'call_tool',
    });
    expect(warn.mock.calls).toEqual([
      [
        'Circuit for pay: closed -> open',
        { event: 'circuit.transition', server: 'pay', from: 'closed', to: 'open' },
      ],
      [
        'Retry budget of pay is empty: no retry for call_tool',
        { event: 'retry.budget_exhausted', server: 'pay', operation: 'call_tool' },
      ],
    ]);
    expect(log).toHaveBeenCalledWith('Circuit for pay: open -> half_open', {
      event: 'circuit.transition',
      server: 'pay',
      from: 'open',
      to: 'half_open',
    });
  });

  it('logs while metrics are off', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const { events } = await boot(false);
    events.emit('retry.scheduled', retry);
    expect(warn).toHaveBeenCalledWith(RETRY_LINE, RETRY_FIELDS);
  });

  it('gives JSON pipelines the text as message and the fields as params', async () => {
    const { moduleRef, events } = await boot();
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    moduleRef.useLogger(new ConsoleLogger({ json: true }));
    events.emit('retry.scheduled', retry);
    moduleRef.useLogger(new ConsoleLogger({ json: true, flattenParams: true }));
    events.emit('operation.failed', exhausted);

    const [warnRecord] = stdout.mock.calls.map(([chunk]) => JSON.parse(String(chunk)) as object);
    expect(warnRecord).toMatchObject({
      level: 'warn',
      context: 'FastMCP Enhanced',
      message: RETRY_LINE,
      params: RETRY_FIELDS,
    });
    const [errorRecord] = stderr.mock.calls.map(([chunk]) => JSON.parse(String(chunk)) as object);
    expect(errorRecord).toMatchObject({
      level: 'error',
      context: 'FastMCP Enhanced',
      message: EXHAUSTED_LINE,
      clientId: 'client-1',
      operation: 'connect',
      attempt: 4,
      errorClass: 'http_503',
    });
  });

  it('stops logging when the module closes', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const { moduleRef, events } = await boot();
    await moduleRef.close();
    booted = undefined;
    events.emit('retry.scheduled', retry);
    expect(warn).not.toHaveBeenCalled();
  });
});
