// A hostile server answers tools/call with an HTTP error whose compressed body expands to a GiB
// of zeros (a kilobyte of Brotli, a megabyte of gzip), or never ends. The client reads 64 KiB of
// decoded bytes and lets the rest go; an attempt's timeout stops a body that goes on, on the
// module's own adapter and on axios's (taken when a proxy variable is set).
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  isMcpDeliveryUnknownError,
  isMcpResponseTooLargeError,
  isMcpTimeoutError,
  type McpDeliveryUnknownError,
  type McpResponseTooLargeError,
  type McpTimeoutError,
} from '@app/fastmcp';
import {
  type BombEncoding,
  compressedZeros,
  endlessZeros,
  sendCompressed,
  sendCompressedStream,
  trickle,
} from '../support/compressed-bomb.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type RawModernReply,
  type RawModernServerHandle,
  startRawModernServer,
} from '../support/raw-modern-server.js';

const TOOL = { name: 'pay', inputSchema: { type: 'object', properties: {} } };
const BUDGET = { requestTimeoutMs: 1000, totalTimeoutMs: 2000 };
/** Room for a loaded machine; decoding a whole bomb takes several times the budget. */
const SLACK_MS = 3000;
const ERROR_BODY_LIMIT = 64 * 1024;

type Answer = (res: ServerResponse) => void;

/** What the server sends for tools/call, the rest of a 2026-07-28 server being plain. */
function hostileServer(answer: Answer): Promise<RawModernServerHandle> {
  return startRawModernServer((message): RawModernReply => {
    if (message.method === 'tools/list') return { tools: [TOOL] };
    if (message.method === 'tools/call') return (res) => answer(res);
    return undefined;
  });
}

/** A 400 whose compressed body never ends; `hungUp` settles when the client closes the connection. */
function endless400(encoding: BombEncoding, source: () => Readable) {
  let hangUp = (): void => undefined;
  const hungUp = new Promise<void>((resolve) => (hangUp = resolve));
  const answer: Answer = (res) => {
    void sendCompressedStream(res, 400, encoding, source()).then(hangUp);
  };
  return { answer, hungUp };
}

/** Runs `body` with axios's own http adapter taking the module's requests (none is proxied). */
async function onAxiosAdapter<T>(body: () => Promise<T>): Promise<T> {
  vi.stubEnv('HTTP_PROXY', 'http://127.0.0.1:9');
  vi.stubEnv('NO_PROXY', '127.0.0.1');
  try {
    return await body();
  } finally {
    vi.unstubAllEnvs();
  }
}

const adapters = [
  ['the module adapter', <T>(body: () => Promise<T>) => body()],
  ["axios's own adapter", onAxiosAdapter],
] as const;

describe('an HTTP error whose compressed body is a bomb', () => {
  const bombs = new Map<BombEncoding, Buffer>();
  let server: RawModernServerHandle | undefined;
  let app: ClientTestApp | undefined;

  beforeAll(async () => {
    bombs.set('br', await compressedZeros('br', 1024));
    bombs.set('gzip', await compressedZeros('gzip', 1024));
  }, 60_000);

  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = undefined;
    server = undefined;
  });

  async function call(answer: Answer) {
    server = await hostileServer(answer);
    app = await startClientApp({ servers: { hostile: { url: server.url } }, retry: BUDGET });
    const started = Date.now();
    const error = await app.client.callToolWithRetry('hostile', 'pay', {}).catch((e: unknown) => e);
    return { error, tookMs: Date.now() - started };
  }

  for (const [adapter, run] of adapters) {
    for (const encoding of ['br', 'gzip'] as const) {
      it(`(${encoding}, 1 GiB decoded) is read to 64 KiB on ${adapter}: a typed error within the budget`, async () => {
        const bomb = bombs.get(encoding) as Buffer;
        expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
        const { error, tookMs } = await run(() =>
          call((res) => sendCompressed(res, 400, encoding, bomb)),
        );
        // Unread past 64 KiB, a modern 400 cannot say which error it is.
        expect(isMcpResponseTooLargeError(error)).toBe(true);
        const tooLarge = error as McpResponseTooLargeError;
        expect(tooLarge).toMatchObject({ limit: 'error_body', status: 400, delivery: 'unknown' });
        expect(tooLarge.limitBytes).toBe(ERROR_BODY_LIMIT);
        expect(tookMs).toBeLessThan(BUDGET.totalTimeoutMs + SLACK_MS);
        expect(server?.requestsOf('tools/call')).toHaveLength(1);
      });
    }

    it(`(gzip, zeros without end) is let go after 64 KiB on ${adapter}, the connection closed`, async () => {
      const endless = endless400('gzip', endlessZeros);
      const { error, tookMs } = await run(() => call(endless.answer));
      expect(isMcpResponseTooLargeError(error)).toBe(true);
      expect(error).toMatchObject({ limit: 'error_body', status: 400 });
      // The client stopped reading and hung up: the server never ends this answer itself.
      await endless.hungUp;
      expect(tookMs).toBeLessThan(BUDGET.totalTimeoutMs + SLACK_MS);
    });

    it(`(gzip, a few bytes every 50 ms without end) is stopped by the attempt timeout on ${adapter}`, async () => {
      const endless = endless400('gzip', () => trickle('{"padding":"', 50));
      const { error, tookMs } = await run(() => call(endless.answer));
      // The tool may have run: not re-sent, the attempt's timeout the cause.
      expect(isMcpDeliveryUnknownError(error)).toBe(true);
      const cause = (error as McpDeliveryUnknownError).cause;
      expect(isMcpTimeoutError(cause)).toBe(true);
      expect((cause as McpTimeoutError).scope).toBe('attempt');
      await endless.hungUp;
      expect(tookMs).toBeLessThan(BUDGET.totalTimeoutMs + SLACK_MS);
    });
  }
});
