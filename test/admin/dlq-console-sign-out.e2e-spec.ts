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

const SECRET = 'secret-argument-of-the-entry';
/** More entries than a page of the list holds (25). */
const ENTRIES = 501;

describe('the DLQ console forgets everything on sign-out, in Chromium (memory store)', () => {
  let sample: SampleTestApp;
  let browser: Browser;
  let page: Page;
  let consoleUrl = '';
  let id = '';
  const pageErrors: string[] = [];

  const text = async (selector: string): Promise<string> =>
    (await page.locator(selector).textContent()) ?? '';
  const signIn = async (): Promise<void> => {
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#entries-body tr[data-id]').count()).toBe(25);
  };
  const signOut = async (): Promise<void> => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.locator('#sign-in-view').isVisible()).toBe(true);
  };
  /** Resolves once a request to `path` is held; `release()` lets it through. */
  const hold = async (path: string) => {
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let seen = (): void => undefined;
    const held = new Promise<void>((resolve) => (seen = resolve));
    await page.route(`**${path}`, async (route) => {
      seen();
      await released;
      await route.continue();
    });
    return { held, release };
  };
  /** Lets a held answer through, then gives the page time to draw it (it must not). */
  const deliver = async (path: string, release: () => void): Promise<void> => {
    const answered = page.waitForResponse((response) => response.url().endsWith(path));
    release();
    await answered;
    await page.evaluate('new Promise((resolve) => setTimeout(resolve, 300))');
    await page.unroute(`**${path}`);
  };

  beforeAll(async () => {
    sample = await startSampleApp({ FASTMCP_DLQ: 'memory' });
    consoleUrl = `http://127.0.0.1:${(sample.app.getHttpServer().address() as AddressInfo).port}/admin/`;
    const dlq = sample.app.get(DeadLetterQueueService, { strict: false });
    const at = new Date().toISOString();
    // Each its own arguments, or the DLQ's dedup would fold them into one; the last is the newest.
    for (let n = 0; n < ENTRIES; n += 1) {
      const text = n === ENTRIES - 1 ? SECRET : `argument ${n}`;
      ({ id } = await dlq.store({
        operation: 'call_tool',
        clientId: 'demo',
        serverUrl: 'http://127.0.0.1:9/mcp',
        toolName: 'echo',
        arguments: { text },
        request: {
          method: 'tools/call',
          params: { name: 'echo', arguments: { text } },
          headers: { 'x-trace': text },
        },
        error: `failed: ${text}`,
        errorClass: 'http_503',
        attempts: [{ at, durationMs: 1, status: 503, errorClass: 'http_503', message: text }],
        retryCount: 0,
        firstAttemptAt: at,
        failedAt: at,
      }));
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await sample?.close();
  });

  it('signing out of an open entry clears it, the suggestions, the caption and the route', async () => {
    await page.goto(consoleUrl);
    await signIn();
    await expect.poll(() => text('#chart-caption')).toContain('24 bars of 60 s');
    expect(await page.locator('#client-ids option').count()).toBe(1);
    expect(await page.locator('#error-classes option').count()).toBe(1);
    await page.getByLabel('Client id').fill('demo');
    await page.getByRole('link', { name: `Open entry ${id}` }).click();
    await expect.poll(() => text('#detail-title')).toBe(`Dead letter ${id}`);
    expect(await text('#detail-attempts')).toContain(SECRET);

    await signOut();
    expect(await text('#app-view')).not.toContain(SECRET);
    for (const part of [
      '#detail-fields',
      '#detail-params',
      '#detail-headers',
      '#detail-attempts',
    ]) {
      expect(await text(part)).toBe('');
    }
    expect(await text('#detail-title')).toBe('Dead letter');
    expect(new URL(page.url()).hash).toBe('#/');
    expect(await page.locator('#client-ids option').count()).toBe(0);
    expect(await page.locator('#error-classes option').count()).toBe(0);
    expect(await text('#chart-caption')).toBe('Dead letters over time, by error class');
    expect(await page.getByLabel('Client id').inputValue()).toBe('');

    // Signing in again shows the list, not the entry.
    await signIn();
    expect(await page.locator('#list-view').isVisible()).toBe(true);
    expect(await page.locator('#detail-view').isVisible()).toBe(false);
    await signOut();
  });

  it('draws no entry whose answer arrives after sign-out', async () => {
    await signIn();
    const { held, release } = await hold(`/dlq/${id}`);
    await page.evaluate(`window.location.hash = '#/entries/${id}'`);
    await held;
    await signOut();
    await deliver(`/dlq/${id}`, release);
    expect(await text('#app-view')).not.toContain(SECRET);
    expect(await text('#detail-title')).toBe('Dead letter');
  });

  it('draws no overview whose answer arrives after sign-out, and signs in again', async () => {
    await signIn();
    const { held, release } = await hold('/dlq/stats');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await held;
    await signOut();
    await deliver('/dlq/stats', release);
    expect(await text('#overview-totals')).toBe('');
    expect(await page.locator('#error-classes option').count()).toBe(0);
    expect(await page.locator('#entries-body tr').count()).toBe(0);

    // The refresh left waiting does not hold up the next sign-in's.
    await signIn();
    await expect.poll(() => text('#overview-totals')).toContain(`Dead letters${ENTRIES}`);
  });

  it('moves the keyboard to the overview at sign-in, before the queue has been read', async () => {
    await signOut();
    const { held, release } = await hold('/dlq/timeline*');
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await held;
    // The form is hidden: focus left on it would fall to the page body.
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('overview-title');
    release();
    await expect.poll(() => text('#chart-caption')).toContain('24 bars of 60 s');
    await page.unroute('**/dlq/timeline*');
  });

  it('logged no script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
