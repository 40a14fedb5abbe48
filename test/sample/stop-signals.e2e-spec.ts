// The sample's main.ts stopped on the first SIGTERM with `process.once`: a second one (Ctrl-C
// twice, a supervisor forwarding it again) got Node's default action and ended the process at
// once, mid-grace, before the memory store's dead letters reached the spill file. All were lost.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { findFreePort } from '../support/free-port.js';

const KEY = 'stop-signals-key-0123456789';

describe('the sample stopped by two SIGTERMs in a row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fastmcp-stop-'));
  let upstream: Server | undefined;
  afterAll(() => {
    upstream?.closeAllConnections();
    upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes its stop: every dead letter held in memory reaches the spill file', async () => {
    // `/fail` answers 503 to everything; `/hang` never answers, so the stop waits out its grace.
    upstream = createServer((req, res) => {
      if (req.url === '/fail') res.writeHead(503).end();
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const spill = join(dir, 'spill.jsonl');
    const port = await findFreePort();
    const child = spawn(
      process.execPath,
      ['bench/run-ts.mjs', 'test/support/sample-main-child.ts'],
      {
        env: {
          ...process.env,
          PORT: String(port),
          ADMIN_API_KEY: KEY,
          FASTMCP_DLQ: 'memory',
          FASTMCP_DLQ_SPILL_FILE: spill,
          FASTMCP_SHUTDOWN_GRACE_MS: '2000',
          FASTMCP_RETRY_MAX_RETRIES: '0',
          // Three servers, so their failures are three dead letters (one would fold into one).
          FASTMCP_SERVERS: JSON.stringify({
            fail0: { url: `${base}/fail` },
            fail1: { url: `${base}/fail` },
            fail2: { url: `${base}/fail` },
            hang: { url: `${base}/hang` },
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await vi.waitFor(() => expect(log).toContain('Listening on'), {
        timeout: 90_000,
        interval: 200,
      });
      const app = `http://127.0.0.1:${port}`;
      const headers = { 'content-type': 'application/json', 'x-api-key': KEY };
      const call = (clientId: string) =>
        fetch(`${app}/mcp/clients/${clientId}/tools/pay/call`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ arguments: {} }),
        }).then((response) => response.status, String);
      for (let i = 0; i < 3; i++) expect(await call(`fail${i}`)).toBeGreaterThanOrEqual(500);
      const stats = (await (await fetch(`${app}/dlq/stats`, { headers })).json()) as {
        total: number;
      };
      expect(stats.total).toBe(3);
      void call('hang');
      await sleep(300);

      child.kill('SIGTERM');
      await sleep(500);
      child.kill('SIGTERM');
      const [, signal] = await exited;

      expect(signal).toBe('SIGTERM');
      expect(existsSync(spill)).toBe(true);
      const lines = readFileSync(spill, 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThanOrEqual(stats.total);
      expect(log).toContain('SIGTERM again: already stopping');
    } finally {
      child.kill('SIGKILL');
    }
  }, 150_000);
});
