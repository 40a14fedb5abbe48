import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type BulkReplayJob,
  DeadLetterQueueService,
  DlqBulkReplayService,
  type FailedOperation,
} from '@app/fastmcp';
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlqIdGenerator } from '../../libs/fastmcp/src/dlq/core/dlq-id.js';
import { launchChromium } from '../support/chromium.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import {
  type SampleTestApp,
  startSampleApp,
  TEST_API_KEY,
} from '../sample/support/sample-test-app.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const ATTACK = '<img src=x onerror=alert(1)>';
const ATTACK_ARGUMENT = '<script>alert(2)</script>';

/** A dead letter an attacker shaped: its upstream error and tool argument are HTML. */
// Each entry a different failure (its own arguments), or the DLQ's dedup would fold them into one.
let entries = 0;

/** The failed call's trace context, as the client stores it when the call was traced. */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function hostileEntry(): Parameters<DeadLetterQueueService['store']>[0] {
  const at = new Date().toISOString();
  const n = ++entries;
  return {
    operation: 'call_tool',
    clientId: 'demo',
    serverUrl: 'http://127.0.0.1:9/mcp',
    toolName: 'echo',
    arguments: { text: ATTACK_ARGUMENT, n },
    request: {
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: ATTACK_ARGUMENT, n } },
      headers: { 'content-type': 'application/json' },
    },
    error: ATTACK,
    errorClass: 'protocol_-32603',
    attempts: [{ at, durationMs: 3, code: -32603, errorClass: 'protocol_-32603', message: ATTACK }],
    retryCount: 0,
    firstAttemptAt: at,
    failedAt: at,
  };
}

/** A dead-lettered call of the demo's `flaky` tool, as the client writes one (it now succeeds). */
function flakyEntry(run: number): Parameters<DeadLetterQueueService['store']>[0] {
  const at = new Date().toISOString();
  return {
    operation: 'call_tool',
    clientId: 'demo',
    serverUrl: 'http://127.0.0.1:9/mcp',
    toolName: 'flaky',
    arguments: { run },
    request: {
      method: 'tools/call',
      params: { name: 'flaky', arguments: { run } },
      headers: { 'content-type': 'application/json' },
    },
    error: 'HTTP 503',
    errorClass: 'http_503',
    attempts: [{ at, durationMs: 2, status: 503, errorClass: 'http_503', message: 'HTTP 503' }],
    retryCount: 0,
    firstAttemptAt: at,
    failedAt: at,
  };
}

describe('the DLQ console at /admin, in Chromium (Redis store, demo server)', () => {
  let redis: RedisServerHandle;
  let sample: SampleTestApp;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const dialogs: Dialog[] = [];
  const pageErrors: string[] = [];
  const requested: string[] = [];
  const ids: { flaky: string[]; slow: string; hostile: string } = {
    flaky: [],
    slow: '',
    hostile: '',
  };

  const dlq = (): DeadLetterQueueService =>
    sample.app.get(DeadLetterQueueService, { strict: false });
  const call = (tool: string, args: Record<string, unknown> = {}) =>
    sample.http
      .post(`/mcp/clients/demo/tools/${tool}/call`)
      .set(sample.auth)
      .send({ arguments: args });
  const rows = () => page.locator('#entries-body tr[data-id]');
  const signIn = async (target: Page, key: string): Promise<void> => {
    await target.getByLabel('API key').fill(key);
    await target.getByRole('button', { name: 'Sign in' }).click();
  };
  // One read of the whole list: reading row by row (`all()`, then each row) waits forever for a
  // row that a re-render removed in between, which hung a test and left its filter behind.
  const rowIds = (): Promise<Array<string | null>> =>
    rows().evaluateAll((found: Array<{ getAttribute(name: string): string | null }>) =>
      found.map((row) => row.getAttribute('data-id')),
    );
  const openEntry = async (id: string): Promise<void> => {
    await page.getByRole('link', { name: `Open entry ${id}` }).click();
    await expect.poll(() => page.locator('#detail-title').textContent()).toBe(`Dead letter ${id}`);
  };
  const openList = async (): Promise<void> => {
    await page.getByRole('link', { name: 'Back to the list' }).click();
    await expect.poll(() => page.locator('#list-view').isVisible()).toBe(true);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    redis = await startRedisServer();
    // No FASTMCP_SERVERS: the app starts its demo server; `flaky` answers 503 six times.
    sample = await startSampleApp({
      REDIS_URL: redis.url,
      FASTMCP_DLQ: 'redis',
      DEMO_FLAKY_FAILURES: '6',
      FASTMCP_REQUEST_TIMEOUT_MS: '1000',
    });
    const { port } = sample.app.getHttpServer().address() as AddressInfo;
    consoleUrl = `http://127.0.0.1:${port}/admin`;
    // Three attempts each (2 retries): two flaky calls use up the six 503s.
    await call('flaky', { run: 1 }).expect(502);
    await call('flaky', { run: 2 }).expect(502);
    await call('slow', { ms: 3000 }).expect(504);
    const entries = (await dlq().list({ limit: 10 })).items;
    ids.flaky = entries.filter((e) => e.toolName === 'flaky').map((e) => e.id);
    ids.slow = entries.find((e) => e.toolName === 'slow')?.id ?? '';
    // Stored twice: the DLQ folds the repeat into one entry with two occurrences.
    const hostile = { ...hostileEntry(), priority: 'low' as const, traceparent: TRACEPARENT };
    ids.hostile = (await dlq().store(hostile)).id;
    expect((await dlq().store(hostile)).id).toBe(ids.hostile);
    expect(ids.flaky).toHaveLength(2);
    expect(entries.find((e) => e.id === ids.slow)?.deliveryUnknown).toBe(true);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A missing element fails its step with a message, well before the test's own timeout.
    page.setDefaultTimeout(10_000);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await redis?.close();
  });

  it('serves the page without the key, with a strict Content-Security-Policy', async () => {
    const response = await page.goto(consoleUrl);
    expect(response?.status()).toBe(200);
    const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    await expect.poll(() => page.getByLabel('API key').isVisible()).toBe(true);
  });

  it('shows an error on the form for a wrong key, then signs in with the right one', async () => {
    await signIn(page, 'not-the-admin-key-000');
    await expect
      .poll(() => page.locator('#sign-in-error').textContent())
      .toContain('This API key was refused');
    expect(await page.getByLabel('API key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#app-view').isVisible()).toBe(false);

    await signIn(page, TEST_API_KEY);
    await expect.poll(() => rows().count()).toBe(4);
    expect(await page.locator('#sign-in-view').isVisible()).toBe(false);
    expect(await page.evaluate('document.activeElement.id')).toBe('overview-title');
    // The overview (stats, then the timeline) is drawn a round trip after the list.
    await expect
      .poll(() => page.locator('#overview-totals').textContent())
      .toContain('Dead letters4');
    const totals = await page.locator('#overview-totals').textContent();
    expect(totals).toContain('Error classes3'); // stats' errorClassCount
    const breakdowns = await page.locator('#overview-breakdowns').textContent();
    expect(breakdowns).toContain('http_503');
    expect(breakdowns).toContain('By priority');
    expect(breakdowns).toContain('normal3');
    expect(breakdowns).toContain('low1');
    expect(await page.locator('#chart svg rect').count()).toBeGreaterThan(0);
    // The chart is drawn from counts (GET /dlq/timeline), not from a page of whole entries.
    expect(await page.locator('#chart svg').getAttribute('aria-label')).toMatch(
      /^4 dead letters from .*http_503 2/,
    );
    expect(await page.locator('#chart-legend').textContent()).toContain('http_503');
    expect(requested.some((url) => url.includes('/dlq/timeline?bucket='))).toBe(true);
    expect(requested.filter((url) => /\/dlq\?(.*&)?limit=500/.test(url))).toEqual([]);
  });

  it('keeps the key out of the URL, storage and cookies', async () => {
    expect(page.url()).not.toContain(TEST_API_KEY);
    // Strings, not functions: the tests are type-checked without the DOM library.
    const kept = await page.evaluate(
      '[window.localStorage.length, window.sessionStorage.length, document.cookie]',
    );
    expect(kept).toEqual([0, 0, '']);
    expect(await page.getByLabel('API key').inputValue()).toBe('');
  });

  it("lists the demo's dead-lettered flaky calls, newest first", async () => {
    const flakyRows = rows().filter({ hasText: 'flaky' });
    expect(await flakyRows.count()).toBe(2);
    expect(await flakyRows.first().textContent()).toContain('http_503');
    const order = await rowIds();
    expect(order).toEqual([...order].sort().reverse());
    await page.screenshot({ path: `${ARTIFACTS}admin-list.png`, fullPage: true });
  });

  it('shows the priority and filters and sorts by it', async () => {
    const hostileRow = page.locator(`#entries-body tr[data-id="${ids.hostile}"]`);
    expect(await hostileRow.locator('td:nth-child(7)').textContent()).toBe('low');
    expect((await rowIds())[0]).toBe(ids.hostile);
    const apply = () => page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByLabel('Priority', { exact: true }).selectOption('low');
    await apply();
    await expect.poll(rowIds).toEqual([ids.hostile]);
    await page.getByLabel('Priority', { exact: true }).selectOption('high');
    await apply();
    await expect
      .poll(() => page.locator('#entries-body').textContent())
      .toBe('No dead letters match.');
    await page.getByLabel('Priority', { exact: true }).selectOption('');
    await page.getByLabel('Sort', { exact: true }).selectOption('priority');
    await apply();
    // Normal before low: the newest entry, the low one, comes last.
    await expect.poll(async () => (await rowIds()).at(-1)).toBe(ids.hostile);
    expect(await rows().count()).toBe(4);
    await page.getByLabel('Sort', { exact: true }).selectOption('newest');
    await apply();
    await expect.poll(async () => (await rowIds())[0]).toBe(ids.hostile);
  });

  it('filters by error class', async () => {
    await page.getByLabel('Error class', { exact: true }).fill('http_503');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows().count()).toBe(2);
    const classes = await rows().locator('td:nth-child(6)').allTextContents();
    expect(classes).toEqual(['http_503', 'http_503']);
  });

  it('filters by age, operation and client id, alone or with the error class', async () => {
    await page.getByLabel('Age', { exact: true }).selectOption({ label: 'Older than 1 hour' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('#entries-body').textContent())
      .toBe('No dead letters match.');
    await page.getByLabel('Age', { exact: true }).selectOption({ label: 'Newer than 1 hour' });
    await page.getByLabel('Operation', { exact: true }).selectOption('call_tool');
    await page.getByLabel('Client id', { exact: true }).fill('demo');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows().count()).toBe(2);
    await page.getByLabel('Operation', { exact: true }).selectOption('connect');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows().count()).toBe(0);
    await page.getByLabel('Operation', { exact: true }).selectOption('');
    await page.getByLabel('Age', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('filters by creation time, as a bulk replay does: an old entry that failed again lately is older than 1 hour', async () => {
    const now = Date.now();
    const aged = {
      ...flakyEntry(99),
      id: new DlqIdGenerator().next(now - 3 * 3600_000),
      clientId: 'aged-client',
      failedAt: new Date(now - 60_000).toISOString(),
    };
    expect(await dlq().import([aged])).toMatchObject({ imported: 1 });
    // The error class filter (http_503) stays from the tests before; the client id goes.
    await page.getByLabel('Client id', { exact: true }).fill('');
    await page.getByLabel('Age', { exact: true }).selectOption({ label: 'Older than 1 hour' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(rowIds).toEqual([aged.id]);
    await page.getByLabel('Age', { exact: true }).selectOption({ label: 'Newer than 1 hour' });
    await page.getByLabel('Client id', { exact: true }).fill('aged-client');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('#entries-body').textContent())
      .toBe('No dead letters match.');
    expect(await dlq().delete(aged.id)).toBe(true);
    await page.getByLabel('Client id', { exact: true }).fill('demo');
    await page.getByLabel('Age', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('opens a flaky entry and shows its request and its three 503 attempts', async () => {
    const id = ids.flaky[0];
    await openEntry(id);
    const attempts = page.locator('#detail-attempts tr');
    await expect.poll(() => attempts.count()).toBe(3);
    for (const text of await attempts.allTextContents()) expect(text).toContain('HTTP 503');
    expect(await page.locator('#detail-request').textContent()).toContain('tools/call');
    expect(await page.locator('#detail-params').textContent()).toContain('"flaky"');
    expect(await page.locator('#detail-headers').textContent()).toContain('[REDACTED]');
    expect(await page.locator('#detail-fields').textContent()).toContain('Replay count0');
    expect(await page.locator('#detail-fields').textContent()).toContain('Prioritynormal');
    await page.screenshot({ path: `${ARTIFACTS}admin-detail.png`, fullPage: true });
  });

  it('replays it: the result is shown and the entry leaves the list', async () => {
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await expect.poll(() => page.locator('#detail-outcome').textContent()).toContain('Replayed');
    expect(await page.locator('#detail-outcome').textContent()).toContain('ok after 6 failures');
    await openList();
    // The filter was kept: one http_503 entry is left.
    await expect.poll(() => rows().count()).toBe(1);
    expect(await page.locator(`#entries-body tr[data-id="${ids.flaky[0]}"]`).count()).toBe(0);
    expect(await page.getByLabel('Error class', { exact: true }).inputValue()).toBe('http_503');
  });

  it('deletes another after a confirmation (cancel keeps it)', async () => {
    const id = ids.flaky[1];
    await openEntry(id);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await dlq().get(id)).not.toBeNull();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    expect(await page.getByRole('dialog').textContent()).toContain(id);
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator('#list-view').isVisible()).toBe(true);
    await expect.poll(() => rows().count()).toBe(0);
    expect(await dlq().get(id)).toBeNull();
  });

  it('asks before replaying a call whose delivery is unknown, then sends force and shows the error', async () => {
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows().count()).toBe(2);
    await openEntry(ids.slow);
    expect(await page.locator('#detail-fields').textContent()).toContain('Delivery unknownyes');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('may already have run');
    await dialog.getByRole('button', { name: 'Replay anyway' }).click();
    await expect
      .poll(() => page.locator('#detail-outcome').textContent(), { timeout: 10_000 })
      .toContain('Replay failed (HTTP 504)');
    // force=true reached the store: the replay ran and was counted.
    await expect
      .poll(() => page.locator('#detail-fields').textContent())
      .toContain('Replay count1');
    expect((await dlq().get(ids.slow))?.replayCount).toBe(1);
    await openList();
  });

  it('shows attacker-written HTML as text and runs none of it', async () => {
    const row = page.locator(`#entries-body tr[data-id="${ids.hostile}"]`);
    await expect.poll(() => row.locator('td.error-cell').textContent()).toBe(ATTACK);
    expect(await page.locator('#entries-body img, #entries-body script').count()).toBe(0);
    await openEntry(ids.hostile);
    await expect
      .poll(() => page.locator('#detail-params').textContent())
      .toContain(ATTACK_ARGUMENT);
    expect(await page.locator('#detail-attempts').textContent()).toContain(ATTACK);
    const fields = await page.locator('#detail-fields').textContent();
    expect(fields).toContain('Prioritylow');
    expect(fields).toContain(`Trace id${TRACEPARENT.split('-')[1]}`);
    expect(fields).toContain('Occurrences2');
    expect(fields).toContain('Last failed at');
    expect(await page.locator('#detail-view img, #detail-view script').count()).toBe(0);
    expect(dialogs.map((d) => d.message())).toEqual([]);
    await openList();
  });

  it('replays a selection: the delivery-unknown entry is skipped unless ticked', async () => {
    // The list is read again on the way back from an entry: select once it is there.
    await expect.poll(rowIds).toEqual([ids.hostile, ids.slow]);
    await page.getByLabel('Select every entry on this page').check();
    expect(await page.locator('#selection-count').textContent()).toBe('2 selected');
    await page.getByRole('button', { name: 'Replay selected' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('whose delivery is unknown');
    await dialog.getByRole('button', { name: 'Replay' }).click();
    await expect
      .poll(() => page.locator('#list-message').textContent())
      .toBe('Replayed 1, skipped 1 (delivery unknown).');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().getAttribute('data-id')).toBe(ids.slow);
  });

  it('cleans up entries older than a chosen age', async () => {
    await page.getByLabel('Remove entries first dead-lettered longer ago than').fill('0ms');
    await page.getByRole('button', { name: 'Clean up…' }).click();
    // It counts from when the entry was first dead-lettered, which the Failed column is not.
    expect(await page.locator('#confirm-text').textContent()).toContain(
      'first dead-lettered more than 0ms ago',
    );
    await page.getByRole('dialog').getByRole('button', { name: 'Clean up' }).click();
    await expect
      .poll(() => page.locator('#cleanup-result').textContent())
      .toBe('Removed 1 entry older than 0ms.');
    await expect
      .poll(() => page.locator('#entries-body').textContent())
      .toBe('No dead letters match.');
    // The overview is read beside the list: it may show a moment after it.
    await expect
      .poll(() => page.locator('#overview-totals').textContent())
      .toContain('Dead letters0');
  });

  it('replays every matching entry in a bulk job and shows its progress until done', async () => {
    const copies = await Promise.all([1, 2, 3].map((run) => dlq().store(flakyEntry(run))));
    const other = await dlq().store({ ...hostileEntry(), errorClass: 'timeout' });
    const started: unknown[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/dlq/replay')) {
        started.push(request.postDataJSON());
      }
    });
    await page.getByLabel('Error class', { exact: true }).fill('http_503');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows().count(), { timeout: 5_000 }).toBe(3);
    await page.getByRole('button', { name: 'Replay all matching…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('the dead letters with errorClass http_503');
    await dialog.getByRole('button', { name: 'Start the job' }).click();
    await expect
      .poll(() => page.locator('#job-state').textContent(), { timeout: 10_000 })
      .toMatch(/: done\. 3 of 3 done: 3 succeeded, 0 failed, 0 skipped\.$/);
    expect(await page.locator('#status').textContent()).toContain(': done. 3 of 3 done');
    expect(started).toEqual([
      { filter: { errorClass: 'http_503' }, rate: 10, concurrency: 4, limit: 1000, force: false },
    ]);
    await expect
      .poll(() => page.locator('#entries-body').textContent(), { timeout: 5_000 })
      .toBe('No dead letters match.');
    for (const copy of copies) expect(await dlq().get(copy.id)).toBeNull();
    expect(await dlq().get(other.id)).not.toBeNull();
    const job = page.locator('#jobs-body tr').first();
    // Started, state, filter, total, done, succeeded, failed, skipped, action.
    await expect
      .poll(async () => (await job.locator('td').allTextContents()).slice(1), { timeout: 5_000 })
      .toEqual(['done', 'errorClass http_503', '3', '3', '3', '0', '0', '']);
    await page.screenshot({ path: `${ARTIFACTS}admin-jobs.png`, fullPage: true });
    await dlq().delete(other.id);
  });

  it('cancels a running job: the entries it had not reached stay', async () => {
    const copies = await Promise.all(
      [11, 12, 13, 14, 15].map((run) => dlq().store(flakyEntry(run))),
    );
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => rows().count(), { timeout: 5_000 }).toBe(5);
    // One replay every 5 seconds, one at a time: the job is still running when it is cancelled.
    await page.getByLabel('Rate (replays per second)').fill('0.2');
    await page.getByLabel('At once').fill('1');
    await page.getByRole('button', { name: 'Replay all matching…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start the job' }).click();
    await expect
      .poll(() => page.locator('#job-state').textContent(), { timeout: 5_000 })
      .toContain(': running.');
    await page.getByRole('button', { name: 'Cancel job', exact: true }).click();
    await expect
      .poll(() => page.locator('#job-state').textContent(), { timeout: 5_000 })
      .toContain(': cancelled.');
    expect(await page.getByRole('button', { name: 'Cancel job', exact: true }).isVisible()).toBe(
      false,
    );
    await expect
      .poll(() => page.locator('#jobs-body tr').first().textContent(), { timeout: 5_000 })
      .toContain('cancelled');
    const [latest] = (await sample.http.get('/dlq/jobs').set(sample.auth).expect(200))
      .body as BulkReplayJob[];
    expect(latest.state).toBe('cancelled');
    await sample.app.get(DlqBulkReplayService).settled(latest.id);
    const settled = (await sample.http.get(`/dlq/jobs/${latest.id}`).set(sample.auth))
      .body as BulkReplayJob;
    expect(settled.state).toBe('cancelled');
    expect(settled.done).toBeLessThan(5);
    const left = (await Promise.all(copies.map((c) => dlq().get(c.id)))).filter((e) => e !== null);
    expect(left).toHaveLength(5 - settled.succeeded);
    for (const entry of left) await dlq().delete(entry.id);
    await page.getByLabel('Rate (replays per second)').fill('10');
    await page.getByLabel('At once').fill('4');
  });

  it('refreshes itself and keeps the filter', async () => {
    await page.getByLabel('Error class', { exact: true }).fill('http_503');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.locator('#list-message').textContent()).toBe('');
    await expect
      .poll(() => page.locator('#entries-body').textContent())
      .toBe('No dead letters match.');
    const reads: string[] = [];
    page.on('request', (request) => void reads.push(request.url()));
    const fresh: FailedOperation = await dlq().store({
      ...hostileEntry(),
      error: 'fresh',
      errorClass: 'http_503',
    });
    await dlq().store({ ...hostileEntry(), error: 'other class', errorClass: 'timeout' });
    await expect.poll(rowIds, { timeout: 12_000 }).toEqual([fresh.id]);
    expect(await page.getByLabel('Error class', { exact: true }).inputValue()).toBe('http_503');
    // Found by the page's own timer, with the filter in the query, not by a reload.
    expect(reads.some((url) => url.includes('/dlq?') && url.includes('errorClass=http_503'))).toBe(
      true,
    );
    expect(reads.some((url) => url.endsWith('/admin/'))).toBe(false);
  });

  it('redraws a row when a repeat folded into its entry marks it delivery unknown', async () => {
    const repeated = { ...hostileEntry(), error: 'repeat me', errorClass: 'http_503' };
    const first = await dlq().store(repeated);
    await expect.poll(rowIds, { timeout: 12_000 }).toContain(first.id);
    const row = page.locator(`#entries-body tr[data-id="${first.id}"]`);
    expect(await row.textContent()).not.toContain('delivery unknown');
    const folded = await dlq().store({ ...repeated, deliveryUnknown: true });
    expect(folded.id).toBe(first.id);
    await expect.poll(() => row.textContent(), { timeout: 12_000 }).toContain('delivery unknown');
    await dlq().delete(first.id);
    await expect.poll(rowIds, { timeout: 12_000 }).not.toContain(first.id);
  });

  it('pages with the next cursor and back, and a refresh stays on the page', async () => {
    for (let i = 0; i < 30; i += 1) await dlq().store({ ...hostileEntry(), error: `bulk ${i}` });
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows().count()).toBe(25);
    expect(await page.locator('#page-label').textContent()).toBe('Page 1');
    const firstPage = await rowIds();
    const cursors: string[] = [];
    page.on('request', (request) => {
      const cursor = new URL(request.url()).searchParams.get('cursor');
      if (cursor) cursors.push(cursor);
    });
    await page.getByRole('button', { name: 'Next page' }).click();
    // 32 entries: the 30 new ones and the two left by the refresh test.
    await expect.poll(() => rows().count()).toBe(7);
    expect(await page.locator('#page-label').textContent()).toBe('Page 2');
    const secondPage = await rowIds();
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    // The timer reads page 2 again with the same cursor.
    const before = cursors.length;
    await expect.poll(() => cursors.length, { timeout: 12_000 }).toBeGreaterThan(before);
    expect(new Set(cursors).size).toBe(1);
    expect(await page.locator('#page-label').textContent()).toBe('Page 2');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(rowIds).toEqual(firstPage);
    expect(await page.locator('#page-label').textContent()).toBe('Page 1');
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(rowIds).toEqual(secondPage);
    await page.getByRole('button', { name: 'First page' }).click();
    await expect.poll(rowIds).toEqual(firstPage);
  });

  it('signs out: the data and the key are gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByLabel('API key').isVisible()).toBe(true);
    expect(await page.locator('#app-view').isVisible()).toBe(false);
    expect(await page.locator('#entries-body tr').count()).toBe(0);
    expect(await page.evaluate('document.activeElement.id')).toBe('api-key');
  });

  it('fits a 390 px wide screen without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(consoleUrl);
      // Keyboard only: the key field has the focus on load, Enter signs in.
      await phone.keyboard.type(TEST_API_KEY);
      await phone.keyboard.press('Enter');
      await expect.poll(() => phone.locator('#entries-body tr[data-id]').count()).toBe(25);
      const scrollWidth = await phone.evaluate('document.documentElement.scrollWidth');
      expect(scrollWidth).toBeLessThanOrEqual(390);
      expect(await phone.getByRole('button', { name: 'Apply filters' }).isVisible()).toBe(true);
      expect(await phone.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      await phone.screenshot({ path: `${ARTIFACTS}admin-list-390px.png`, fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('logged no script error and no CSP violation', () => {
    // Chromium logs every 4xx/5xx answer (the wrong key's 401, the forced replay's 504).
    const unexpected = pageErrors.filter(
      (e) => !e.startsWith('Failed to load resource: the server responded with a status of'),
    );
    expect(unexpected).toEqual([]);
  });
});
