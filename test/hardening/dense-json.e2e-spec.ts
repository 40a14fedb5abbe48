// 32 MiB of `[{},{},…]` is 11 million objects once parsed: 715 MB of heap and 8.6 s of blocked
// event loop, from one answer within maxResponseBytes; 32 MiB of `[0,0,…]` is 16.7 million
// numbers, 160 MB and 2.3 s. An answer may now hold one object or array per 32 bytes of its
// maxResponseBytes, and one value per 8; past either it is refused before it is parsed.
import { afterEach, expect, it } from 'vitest';
import { isMcpResponseTooLargeError, type McpResponseTooLargeError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { startHostileToolServer } from '../support/hostile-tool-server.js';

const MAX_BYTES = 1024 * 1024;
/** 1 MiB / 32. */
const CONTAINERS_ALLOWED = 32_768;
/** 1 MiB / 8. */
const VALUES_ALLOWED = 131_072;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function appAnswering(structured: () => unknown): Promise<ClientTestApp> {
  const server = await startHostileToolServer({ listing: () => '{"tools":[]}', structured });
  closers.push(() => server.close());
  const app = await startClientApp({
    dlq: false,
    servers: { h: { url: server.url, maxResponseBytes: MAX_BYTES } },
  });
  closers.push(() => app.close());
  return app;
}

const emptyObjects = (count: number): Array<Record<string, never>> =>
  Array.from({ length: count }, () => ({}));

it('refuses an answer with more objects and arrays than its maxResponseBytes allows, unparsed', async () => {
  // ~300 KB: well within the byte limit, 100,000 objects.
  const app = await appAnswering(() => ({ rows: emptyObjects(100_000) }));
  const error = await app.client.callToolWithRetry('h', 'dense', {}).then(
    () => undefined,
    (failure: unknown) => failure as McpResponseTooLargeError,
  );
  expect(isMcpResponseTooLargeError(error)).toBe(true);
  expect(error?.limit).toBe('containers');
  expect(error?.message).toContain(`over ${CONTAINERS_ALLOWED} objects and arrays`);
});

it('takes as many as the bound allows, and braces inside strings do not count', async () => {
  const app = await appAnswering(() => ({
    rows: emptyObjects(CONTAINERS_ALLOWED - 10),
    text: '{}'.repeat(200_000),
  }));
  const result = await app.client.callToolWithRetry('h', 'dense', {});
  const structured = result.structuredContent as { rows: unknown[]; text: string };
  expect(structured.rows).toHaveLength(CONTAINERS_ALLOWED - 10);
  expect(structured.text).toHaveLength(400_000);
});

it('refuses an answer with more values than its maxResponseBytes allows, unparsed', async () => {
  // ~400 KB of zeros: well within the byte limit and without a single extra container.
  const app = await appAnswering(() => ({ rows: new Array<number>(200_000).fill(0) }));
  const error = await app.client.callToolWithRetry('h', 'dense', {}).then(
    () => undefined,
    (failure: unknown) => failure as McpResponseTooLargeError,
  );
  expect(isMcpResponseTooLargeError(error)).toBe(true);
  expect(error?.limit).toBe('values');
  expect(error?.message).toContain(`over ${VALUES_ALLOWED} values`);
});

it('takes a float array within the value bound, and commas inside strings do not count', async () => {
  const floats = Array.from({ length: VALUES_ALLOWED - 100 }, (_, i) => (i % 997) / 1000);
  const app = await appAnswering(() => ({ embedding: floats, text: ','.repeat(100_000) }));
  const result = await app.client.callToolWithRetry('h', 'dense', {});
  const structured = result.structuredContent as { embedding: number[]; text: string };
  expect(structured.embedding).toEqual(floats);
  expect(structured.text).toHaveLength(100_000);
});
