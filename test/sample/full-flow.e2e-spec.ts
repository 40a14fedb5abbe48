import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailedOperation, Page } from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { checkMetricsText } from '../support/metrics/promtool.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import {
  bodyOf,
  type SampleTestApp,
  serversEnv,
  startSampleApp,
} from './support/sample-test-app.js';

describe('full flow: flaky call, DLQ, replay, empty queue, metrics', () => {
  let redis: RedisServerHandle;
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;

  beforeAll(async () => {
    [redis, demo] = await Promise.all([
      startRedisServer(),
      startDemoMcpServer({ flakyFailures: 0 }),
    ]);
    sample = await startSampleApp({
      REDIS_URL: redis.url,
      FASTMCP_DLQ: 'redis',
      FASTMCP_SERVERS: serversEnv('demo', demo.url),
    });
  });
  afterAll(async () => {
    await sample?.close();
    await Promise.all([redis?.close(), demo?.close()]);
  });

  const callFlaky = () =>
    sample.http.post('/mcp/clients/demo/tools/flaky/call').set(sample.auth).send({});
  const dlqPage = async () =>
    bodyOf<Page<FailedOperation>>(await sample.http.get('/dlq').set(sample.auth).expect(200));

  it('runs end to end', async () => {
    // 1. Two 503s, then success: the retries absorb them.
    demo.resetFlaky(2);
    const retried = await callFlaky().expect(200);
    expect(bodyOf(retried)).toEqual({ content: [{ type: 'text', text: 'ok after 2 failures' }] });
    expect((await dlqPage()).items).toEqual([]);

    // 2. More 503s than retries: 502, and the call is in the DLQ.
    demo.resetFlaky(10);
    const failed = await callFlaky().expect(502);
    expect(bodyOf(failed)).toMatchObject({ code: 'RetryExhaustedError', clientId: 'demo' });
    const [entry, ...others] = (await dlqPage()).items;
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      operation: 'call_tool',
      clientId: 'demo',
      toolName: 'flaky',
      errorClass: 'http_503',
      retryCount: 2,
      status: 'dead',
    });

    // 3. The server recovers; the replay succeeds and removes the entry.
    demo.resetFlaky(0);
    const replay = await sample.http.post(`/dlq/${entry.id}/replay`).set(sample.auth).expect(200);
    expect(bodyOf(replay)).toEqual({
      id: entry.id,
      result: { content: [{ type: 'text', text: 'ok after 0 failures' }] },
    });

    // 4. The queue is empty.
    expect((await dlqPage()).items).toEqual([]);
    const stats = await sample.http.get('/dlq/stats').set(sample.auth).expect(200);
    expect(bodyOf(stats)).toMatchObject({ total: 0 });
    await sample.http.get(`/dlq/${entry.id}`).set(sample.auth).expect(404);

    // 5. The metrics show it all, in a valid exposition.
    const metrics = (await sample.http.get('/metrics').expect(200)).text;
    expect(checkMetricsText(metrics)).toEqual({ status: 0, output: '' });
    for (const line of [
      'fastmcp_retry_attempts_total{operation="call_tool",reason="http_503"} 4',
      'fastmcp_operations_total{operation="call_tool",status="success"} 2',
      'fastmcp_operations_total{operation="call_tool",status="error"} 1',
      'fastmcp_dlq_operations_total 1',
      'fastmcp_dlq_replays_total{result="success"} 1',
      'fastmcp_dlq_entries 0',
    ]) {
      expect(metrics).toContain(line);
    }
  });
});
