// A server that floods a stream with pings gets at most MAX_PINGS_PER_STREAM
// answers in flight per stream: the rest are dropped, not queued as POSTs without limit.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import {
  MAX_ANSWERING_PER_STREAM,
  MAX_PINGS_PER_STREAM,
  ServerRequestLimit,
} from '../../libs/fastmcp/src/protocol/server-request-limit.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { type PingFloodServerHandle, startPingFloodServer } from '../support/ping-flood-server.js';

const PINGS_PER_CALL = 2000;
/** Long enough for answers past the cap to reach the server, were they sent. */
const SETTLE_MS = 300;

let server: PingFloodServerHandle;
let app: ClientTestApp;
const logger = new CapturingLogger();

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
}

// Observed, not changed: the places the client's streams hold for answers not yet completed.
const admits = vi.spyOn(ServerRequestLimit.prototype, 'admit');
const releases = vi.spyOn(ServerRequestLimit.prototype, 'release');
const placesHeld = (): number =>
  admits.mock.results.filter((r) => r.value === true).length - releases.mock.calls.length;

/** Answers every held reply and waits until the client has given back every place. */
async function releaseReplies(): Promise<void> {
  server.releaseReplies();
  await until(() => placesHeld() === 0);
}

/** Waits for `expected` replies, then a while longer: no more may come. */
async function expectReplies(expected: number): Promise<void> {
  await until(() => server.replies() >= expected);
  await sleep(SETTLE_MS);
  expect(server.replies()).toBe(expected);
}

beforeAll(async () => {
  server = await startPingFloodServer(PINGS_PER_CALL);
  app = await startClientApp({ servers: { flood: { url: server.url, listen: true } } }, logger);
});
afterAll(async () => {
  vi.restoreAllMocks();
  server?.releaseReplies();
  await app?.close();
  await server?.close();
});

it('2,000 pings on a call stream: the call ends, and only the cap of answers goes out', async () => {
  const outcomes: string[] = [];
  app.events.on('server.request', (event) => outcomes.push(event.outcome));
  const result = await app.client.callTool('flood', 'anything');
  expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
  await expectReplies(MAX_PINGS_PER_STREAM);
  // One WARN per power of ten dropped (1, 10, 100, 1000), the count in each.
  const warnings = logger.lines.filter((l) => l.level === 'warn' && /unanswered/.test(l.message));
  expect(warnings.map((l) => l.message.match(/\((\d+) so far\)/)?.[1])).toEqual([
    '1',
    '10',
    '100',
    '1000',
  ]);
  // Each dropped request is counted as an event, for a listener or a metric.
  expect(outcomes.filter((outcome) => outcome === 'dropped')).toHaveLength(
    PINGS_PER_CALL - MAX_PINGS_PER_STREAM,
  );
  server.releaseReplies();
});

it('pings on the session GET stream: the same cap, and answers resume once replies complete', async () => {
  await until(() => server.pingOnGetStream(0));
  const before = server.replies();
  server.pingOnGetStream(500);
  await expectReplies(before + MAX_PINGS_PER_STREAM);
  await releaseReplies();
  server.pingOnGetStream(MAX_PINGS_PER_STREAM);
  await expectReplies(before + 2 * MAX_PINGS_PER_STREAM);
});

it('answers a ping while every place for other requests is taken: pings have places of their own', async () => {
  await until(() => server.pingOnGetStream(0));
  await releaseReplies();
  const before = server.replies();
  // Answered at once (no roots handler): each answer's POST is held by the server, so the
  // places stay taken; the one past them is dropped.
  server.requestOnGetStream('roots/list', MAX_ANSWERING_PER_STREAM + 1);
  await expectReplies(before + MAX_ANSWERING_PER_STREAM);
  server.pingOnGetStream(1);
  await expectReplies(before + MAX_ANSWERING_PER_STREAM + 1);
  server.releaseReplies();
});
