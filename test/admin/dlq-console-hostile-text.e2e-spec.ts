// Text an upstream or an import controls, and answers that are not the API's: the console must
// show what is stored (no bidi trick), keep one row from swallowing the list, say what a proxy's
// page is, and sign out on the first 401, also an action's.
import type { AddressInfo } from 'node:net';
import { DeadLetterQueueService } from '@app/fastmcp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import {
  type SampleTestApp,
  startSampleApp,
  TEST_API_KEY,
} from '../sample/support/sample-test-app.js';

/** Stored as `safe_` RLO `exe.hsilbup_etad` PDF: drawn as is, it reads `safe_date_publish.exe`. */
const SPOOFING_TOOL = 'safe_\u202Eexe.hsilbup_etad\u202C';
const LONG_TOOL = 'W'.repeat(256);
const LONG_ERROR = 'E'.repeat(2048);

describe('the DLQ console with hostile text and foreign answers, in Chromium (memory store)', () => {
  let sample: SampleTestApp;
  let browser: Browser;
  let page: Page;
  let consoleUrl = '';
  let storeEntry: (toolName: string, error: string) => Promise<string>;
  const ids = { spoof: '', long: '' };
  const pageErrors: string[] = [];
  const row = (id: string) => page.locator(`#entries-body tr[data-id="${id}"]`);

  const signIn = async (): Promise<void> => {
    await page.goto(consoleUrl);
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#entries-body tr[data-id]').count()).toBe(2);
  };

  beforeAll(async () => {
    sample = await startSampleApp({ FASTMCP_DLQ: 'memory' });
    consoleUrl = `http://127.0.0.1:${(sample.app.getHttpServer().address() as AddressInfo).port}/admin/`;
    const dlq = sample.app.get(DeadLetterQueueService, { strict: false });
    const at = new Date().toISOString();
    const store = (storeEntry = async (toolName: string, error: string) =>
      (
        await dlq.store({
          operation: 'call_tool',
          clientId: 'demo',
          serverUrl: 'http://127.0.0.1:9/mcp',
          toolName,
          arguments: {},
          request: { method: 'tools/call', params: { name: toolName }, headers: {} },
          error,
          errorClass: 'http_503',
          attempts: [],
          retryCount: 0,
          firstAttemptAt: at,
          failedAt: at,
        })
      ).id);
    ids.spoof = await store(SPOOFING_TOOL, 'refused\u0007 by upstream');
    ids.long = await store(LONG_TOOL, LONG_ERROR);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await sample?.close();
  });

  it('shows bidi and other controls as escapes, in the list and in a confirmation', async () => {
    await signIn();
    const cells = await row(ids.spoof).locator('td').allTextContents();
    expect(cells).toContain('safe_\\u202Eexe.hsilbup_etad\\u202C');
    expect(cells.join(' ')).toContain('refused\\u0007 by upstream');

    await row(ids.spoof)
      .getByRole('link', { name: `Open entry ${ids.spoof}` })
      .click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    expect(await page.locator('#confirm-text').textContent()).toContain('\\u202E');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.goto(`${consoleUrl}#/`);
  });

  it('keeps a row of a 256-character tool name and a 2 KiB error to a few lines', async () => {
    await expect.poll(() => row(ids.long).count()).toBe(1);
    const height = (await row(ids.long).boundingBox())?.height;
    // Unbounded, the audit measured 10,702 px.
    expect(height).toBeLessThan(200);
    // Cut in the list only: the detail view has all of it.
    expect(await row(ids.long).locator('td.error-cell').textContent()).toContain(LONG_ERROR);
  });

  it("says a 200 that is not the API's JSON is not the API's answer", async () => {
    await page.route('**/dlq/stats', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Proxy login</h1>' }),
    );
    // The next refresh (every 5 s) reads it.
    await expect
      .poll(() => page.locator('#list-message').textContent(), { timeout: 8000 })
      .toContain("unexpected answer, not the API's JSON (text/html)");
    await page.unroute('**/dlq/stats');
  });

  it('keeps the focused control focused when a refresh redraws the list', async () => {
    const box = page.getByRole('checkbox', { name: `Select entry ${ids.spoof}` });
    await box.focus();
    await storeEntry('newer', 'arrived while the operator was on a row');
    await expect
      .poll(() => page.locator('#entries-body tr[data-id]').count(), { timeout: 8000 })
      .toBe(3);
    expect(await page.locator(':focus').getAttribute('aria-label')).toBe(
      `Select entry ${ids.spoof}`,
    );
  });

  it('starts no job while the form holds filters that are not applied', async () => {
    await page.locator('#filter-error-class').fill('http_599');
    await page.getByRole('button', { name: 'Replay all matching…' }).click();
    await expect
      .poll(() => page.locator('#job-error').textContent())
      .toContain('The filters in the form are not applied');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.locator('#filter-error-class').fill('');
  });

  it('signs out on the 401 of an action, not only of a refresh', async () => {
    await page.route('**/replay', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ statusCode: 401, message: 'Unauthorized' }),
      }),
    );
    await page.getByRole('checkbox', { name: `Select entry ${ids.long}` }).check();
    await page.getByRole('button', { name: 'Replay selected' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => page.locator('#sign-in-view').isVisible()).toBe(true);
    await page.unroute('**/replay');
  });

  it('logged no script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
