// The sample's subscription routes against its demo server (official SDK 1.x): subscribe to the
// demo's counter, hear its updates as server-sent events when the bump tool runs, unsubscribe;
// bad input is a 4xx with a message, and an open event stream does not hold the app's shutdown.
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COUNTER_URI } from '../../apps/sample/src/demo-server/demo-counter.js';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import {
  bodyOf,
  type SampleTestApp,
  serversEnv,
  startSampleApp,
} from './support/sample-test-app.js';

/** How long an event may take to reach a stream: the whole path runs in this process. */
const WAIT = { timeout: 5000 };

/** An open event stream of the sample: its status, and the text received so far. */
interface EventStream {
  response: IncomingMessage;
  text(): string;
  ended: Promise<void>;
}

function openEventStream(
  sample: SampleTestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<EventStream> {
  const { port } = sample.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { ...sample.auth, ...headers } }, (response) => {
      let received = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      const ended = new Promise<void>((done) => response.on('close', done));
      resolve({ response, text: () => received, ended });
    }).on('error', reject);
  });
}

/** The resource_updated events of an event stream's text: their ids and URIs. */
function updatesIn(text: string): Array<{ id: string; uri: string }> {
  const events = [...text.matchAll(/event: resource_updated\nid: (\S+)\ndata: (.*)\n\n/g)];
  return events.map(([, id, data]) => ({ id, uri: (JSON.parse(data) as { uri: string }).uri }));
}

describe('sample subscriptions API', () => {
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;

  beforeAll(async () => {
    demo = await startDemoMcpServer({ flakyFailures: 0 });
    sample = await startSampleApp({ FASTMCP_SERVERS: serversEnv('demo', demo.url) });
  });
  afterAll(async () => {
    await sample?.close();
    await demo?.close();
  });

  it('streams resource_updated events for a subscription until it is dropped', async () => {
    const stream = await openEventStream(sample, '/mcp/clients/demo/resource-updates');
    try {
      expect(stream.response.statusCode).toBe(200);
      expect(stream.response.headers['content-type']).toContain('text/event-stream');
      const subscribed = await sample.http
        .post('/mcp/clients/demo/subscriptions')
        .set(sample.auth)
        .send({ uri: COUNTER_URI })
        .expect(201);
      expect(bodyOf(subscribed)).toEqual({ uris: [COUNTER_URI] });
      const listed = await sample.http.get('/mcp/clients/demo/subscriptions').set(sample.auth);
      expect(bodyOf(listed)).toEqual({ uris: [COUNTER_URI] });

      await sample.http.post('/mcp/clients/demo/tools/bump/call').set(sample.auth).send({});
      await vi.waitFor(() => expect(updatesIn(stream.text())).toHaveLength(1), WAIT);
      const read = await sample.http
        .get('/mcp/clients/demo/resources/read')
        .query({ uri: COUNTER_URI })
        .set(sample.auth)
        .expect(200);
      expect(Number(bodyOf<{ contents: Array<{ text: string }> }>(read).contents[0].text)).toBe(
        demo.counterValue(),
      );

      const dropped = await sample.http
        .delete('/mcp/clients/demo/subscriptions')
        .query({ uri: COUNTER_URI })
        .set(sample.auth)
        .expect(200);
      expect(bodyOf(dropped)).toEqual({ uris: [] });
      // The server forgot the session's subscription: a bump now tells nobody.
      await sample.http.post('/mcp/clients/demo/tools/bump/call').set(sample.auth).send({});
      await sample.http.get('/mcp/clients/demo/tools').set(sample.auth).expect(200);
      expect(stream.text().match(/event: resource_updated/g)).toHaveLength(1);
    } finally {
      stream.response.destroy();
    }
  });

  it('catches a stream that reconnects with Last-Event-ID up on what it missed', async () => {
    await sample.http
      .post('/mcp/clients/demo/subscriptions')
      .set(sample.auth)
      .send({ uri: COUNTER_URI })
      .expect(201);
    const bump = () =>
      sample.http.post('/mcp/clients/demo/tools/bump/call').set(sample.auth).send({}).expect(200);
    const path = '/mcp/clients/demo/resource-updates';
    const first = await openEventStream(sample, path);
    await bump();
    await vi.waitFor(() => expect(updatesIn(first.text())).toHaveLength(1), WAIT);
    first.response.destroy();
    const [{ id: lastSeen }] = updatesIn(first.text());
    await bump();
    await bump();
    const again = await openEventStream(sample, path, { 'last-event-id': lastSeen });
    try {
      await vi.waitFor(() => expect(updatesIn(again.text())).toHaveLength(2), WAIT);
      const missed = updatesIn(again.text());
      expect(missed.map((update) => update.uri)).toEqual([COUNTER_URI, COUNTER_URI]);
      expect(new Set([lastSeen, ...missed.map((update) => update.id)]).size).toBe(3);
    } finally {
      again.response.destroy();
    }
    // An id the app cannot place (from before a restart, say): resync, never a silent gap.
    const lost = await openEventStream(sample, path, { 'last-event-id': 'before-restart-7' });
    try {
      await vi.waitFor(
        () =>
          expect(lost.text()).toMatch(
            /event: resync\nid: \S+\ndata: .*read the subscribed resources again/,
          ),
        WAIT,
      );
      expect(updatesIn(lost.text())).toEqual([]);
    } finally {
      lost.response.destroy();
    }
    await sample.http
      .delete('/mcp/clients/demo/subscriptions')
      .query({ uri: COUNTER_URI })
      .set(sample.auth)
      .expect(200);
  });

  it('refuses bad input with a 4xx and a message', async () => {
    const noUri = await sample.http
      .post('/mcp/clients/demo/subscriptions')
      .set(sample.auth)
      .send({})
      .expect(400);
    expect(JSON.stringify(bodyOf(noUri).message)).toContain('uri');
    const extra = await sample.http
      .post('/mcp/clients/demo/subscriptions')
      .set(sample.auth)
      .send({ uri: COUNTER_URI, force: true })
      .expect(400);
    expect(JSON.stringify(bodyOf(extra).message)).toContain('force');
    await sample.http.delete('/mcp/clients/demo/subscriptions').set(sample.auth).expect(400, /uri/);
    await sample.http
      .post('/mcp/clients/demo/subscriptions')
      .set(sample.auth)
      .set('content-type', 'text/plain')
      .send('counter://hits')
      .expect(415);
    await sample.http
      .get('/mcp/clients/nope/resource-updates')
      .set(sample.auth)
      .expect(404, /nope/);
    await sample.http.get('/mcp/clients/demo/resource-updates').expect(401);
    await sample.http.get('/mcp/clients/demo/subscriptions').expect(401);
  });

  it('ends open event streams when the app shuts down', async () => {
    const own = await startSampleApp({ FASTMCP_SERVERS: serversEnv('demo', demo.url) });
    const stream = await openEventStream(own, '/mcp/clients/demo/resource-updates');
    expect(stream.response.statusCode).toBe(200);
    await own.close();
    await stream.ended;
    expect(stream.response.complete).toBe(true);
  });
});
