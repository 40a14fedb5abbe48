// Requests a server sends on the session's GET stream are answered under a signal tied to that
// stream, which lives as long as the session. Linking each one with AbortSignal.any left an entry
// on the stream's signal per answered request on Node 20 (about 100 bytes each, kept for the
// session's life); answering tens of thousands of them now leaves the heap where it was.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { retainedHeap } from '../support/flood-heap.js';
import { type FloodPingServerHandle, startFloodPingServer } from '../support/flood-ping-server.js';

const WARM_UP = 3_000;
/**
 * Enough answers that the heap's one-off growth (up to about 1.3 MB on Node 24, whatever the count)
 * is a few bytes per answer, while a leak grows with the count.
 */
const MEASURED = 100_000;
/**
 * Bytes a measured answer may appear to leave behind: about half of what the leak leaves (57 B over
 * 100,000 answers on Node 20), three times the drift without it (up to about 10 B).
 */
const MAX_BYTES_PER_ANSWER = 30;

let server: FloodPingServerHandle;
let app: ClientTestApp;
beforeAll(async () => {
  server = await startFloodPingServer(8);
  app = await startClientApp({ servers: { pings: { url: server.url, listen: true } }, dlq: false });
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

it("answering pings on the session's GET stream retains no memory per answer", async () => {
  const outcomes = new Map<string, number>();
  app.events.on('server.request', ({ outcome }) => {
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  });
  await app.client.connect('pings');

  await server.untilReplies(WARM_UP);
  const before = await retainedHeap();
  const from = server.replies();
  await server.untilReplies(from + MEASURED);
  const after = await retainedHeap();
  const answered = server.replies() - from;

  const perAnswer = (after - before) / answered;
  console.info(
    `GET-stream pings: ${answered} answered, retained heap ${before} -> ${after} ` +
      `(${perAnswer.toFixed(1)} B per answer)`,
  );
  expect(answered).toBeGreaterThanOrEqual(MEASURED);
  expect(outcomes.get('dropped') ?? 0).toBe(0);
  expect(outcomes.get('handled')).toBeGreaterThanOrEqual(WARM_UP + MEASURED);
  expect(perAnswer).toBeLessThan(MAX_BYTES_PER_ANSWER);
}, 180_000);
