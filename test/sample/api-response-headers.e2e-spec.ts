import { DeadLetterQueueService } from '@app/fastmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleTestApp, startSampleApp } from './support/sample-test-app.js';

/**
 * The API's JSON holds dead letters: with only an ETag a browser kept a copy, and a later
 * `fetch(url, { cache: 'force-cache' })` without the key was served the queue from it.
 */
describe('sample API responses are never cached', () => {
  let sample: SampleTestApp;
  let id = '';

  beforeAll(async () => {
    // No FASTMCP_SERVERS: the demo server is client id `demo`.
    sample = await startSampleApp({ FASTMCP_DLQ: 'memory' });
    const at = new Date().toISOString();
    const dlq = sample.app.get(DeadLetterQueueService, { strict: false });
    ({ id } = await dlq.store({
      operation: 'call_tool',
      clientId: 'demo',
      serverUrl: 'http://127.0.0.1:9/mcp',
      toolName: 'echo',
      arguments: { text: 'secret-argument' },
      request: { method: 'tools/call', params: { name: 'echo' }, headers: {} },
      error: 'HTTP 503',
      errorClass: 'http_503',
      attempts: [{ at, durationMs: 1, status: 503, errorClass: 'http_503', message: 'HTTP 503' }],
      retryCount: 0,
      firstAttemptAt: at,
      failedAt: at,
    }));
  });
  afterAll(() => sample?.close());

  it.each([
    '/dlq',
    '/dlq/stats',
    '/dlq/jobs',
    '/dlq/:id',
    '/dlq/export',
    '/mcp/clients',
    '/mcp/clients/demo/tools',
    '/metrics',
  ])('GET %s: Cache-Control no-store and nosniff', async (path) => {
    const response = await sample.http.get(path.replace(':id', id)).set(sample.auth).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('keeps the stricter Cache-Control /health sets itself', async () => {
    const response = await sample.http.get('/health').expect(200);
    expect(response.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sets them on errors too (401 without the key, 404)', async () => {
    for (const [path, status] of [
      ['/dlq', 401],
      ['/no-such-route', 404],
    ] as const) {
      const response = await sample.http.get(path).expect(status);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('leaves the console its own headers (no-cache: the page holds no data)', async () => {
    const response = await sample.http.get('/admin/').expect(200);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
