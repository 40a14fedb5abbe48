// A listing whose every page is thousands of invalid tools, with a fresh cursor each time: one
// WARN line naming every skipped tool, per page, came to 1 MB a line and about 490 MB of log in
// 60 s of one listToolsWithRetry, and the invalid tools did not count towards maxResponseBytes.
import { afterEach, expect, it } from 'vitest';
import { isMcpProtocolError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp } from '../support/client-test-app.js';
import { startHostileToolServer } from '../support/hostile-tool-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

it('names at most 10 skipped tools a line, logs the first 10 such pages then the 100th..., and counts them towards maxResponseBytes', async () => {
  let page = 0;
  const server = await startHostileToolServer({
    listing: () => {
      page += 1;
      // No inputSchema: each is invalid, and skipped by name.
      const tools = Array.from({ length: 2000 }, (_, i) => ({ name: `bad-${page}-${i}` }));
      return JSON.stringify({ tools, nextCursor: `c${page}` });
    },
  });
  closers.push(() => server.close());
  const logger = new CapturingLogger();
  const app = await startClientApp(
    {
      servers: { h: { url: server.url, maxResponseBytes: 1024 * 1024 } },
      retry: { maxRetries: 0 },
    },
    logger,
  );
  closers.push(() => app.close());

  const error = await app.client.listToolsWithRetry('h').catch((e: unknown) => e);
  expect(isMcpProtocolError(error) && error.message).toMatch(
    /passed maxResponseBytes \(1048576 bytes\)/,
  );
  // About 26 KB of names a page: the cap ends the listing at its 40th page or so.
  expect(page).toBeLessThan(60);
  const lines = logger.messages().filter((m) => m.startsWith('Skipped'));
  expect(lines).toHaveLength(10);
  expect(lines[0]).toMatch(
    /^Skipped 2000 invalid tool\(s\) from h: bad-1-0, .*bad-1-9 and 1990 more$/,
  );
  expect(lines[9]).toMatch(
    /^Skipped 2000 invalid tool\(s\) from h \(page 10 with some\): bad-10-0, /,
  );
  for (const line of lines) expect(line.length).toBeLessThan(400);
});
