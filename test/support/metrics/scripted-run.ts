import type { FastMcpEvents } from '../../../libs/fastmcp/src/events/fastmcp-events.service.js';

/**
 * A call_tool that succeeds on its third attempt after two HTTP 503 retries (110 ms and 220 ms),
 * then a connect that gives up after one timeout retry, then one DLQ store, a buffered store
 * failure that is later lost, a TTL eviction of 3 entries and a replay; then two attempts that
 * waited for the rate limit (250 ms and 40 ms), with one still queued at the end.
 */
export function emitScriptedRun(events: FastMcpEvents, clientId = 'client-1'): void {
  const base = { clientId, operation: 'call_tool' as const };
  events.emit('operation.started', { ...base, startedAt: 0 });
  for (const [retry, delayMs, cumulativeMs] of [
    [1, 110, 130],
    [2, 220, 350],
  ] as const) {
    events.emit('attempt.failed', {
      ...base,
      attempt: retry,
      errorClass: 'http_503',
      error: 'HTTP 503',
      retryable: true,
      durationMs: 10,
    });
    events.emit('retry.scheduled', {
      ...base,
      retry,
      maxRetries: 3,
      delayMs,
      reason: 'http_503',
      error: 'HTTP 503',
      cumulativeMs,
    });
  }
  events.emit('operation.succeeded', { ...base, durationMs: 420, attempts: 3 });

  const connect = { clientId, operation: 'connect' as const };
  events.emit('operation.started', { ...connect, startedAt: 0 });
  events.emit('retry.scheduled', {
    ...connect,
    retry: 1,
    maxRetries: 1,
    delayMs: 0.5,
    reason: 'timeout',
    error: 'timeout after 1000ms',
    cumulativeMs: 1000,
  });
  events.emit('operation.failed', {
    ...connect,
    durationMs: 2_000.4,
    attempts: 2,
    errorClass: 'timeout',
    error: 'timeout after 1000ms',
    retriesExhausted: true,
    deliveryUnknown: false,
  });
  events.emit('dlq.stored', {
    ...connect,
    id: 'dlq-1',
    error: 'max retries exceeded',
    errorClass: 'timeout',
  });
  events.emit('dlq.store_failed', {
    ...connect,
    error: 'ECONNREFUSED',
    outcome: 'buffered',
    firstWrite: true,
  });
  // The same buffered entry, lost at shutdown: not a new failed write.
  events.emit('dlq.store_failed', {
    ...connect,
    error: 'ECONNREFUSED',
    outcome: 'lost_to_log',
    firstWrite: false,
  });
  events.emit('dlq.evicted', { reason: 'ttl', count: 3 });
  events.emit('dlq.replayed', { id: 'dlq-1', result: 'success' });
  events.emit('dlq.corrupt_entry', { key: '{fastmcp:dlq}:e:dlq-2' });

  for (const queued of [1, 2, 1]) events.emit('bulkhead.queue', { server: clientId, queued });
  events.emit('ratelimit.waited', { server: clientId, waitedMs: 250 });
  events.emit('ratelimit.waited', { server: clientId, waitedMs: 40 });
}
