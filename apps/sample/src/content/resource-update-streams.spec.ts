import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { FastMcpEvents } from '@app/fastmcp';
import { type MessageEvent, ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ResourceUpdateLog, UPDATES_KEPT } from './resource-update-log.js';
import { ResourceUpdateStreams } from './resource-update-streams.js';

const newResponse = () => new ServerResponse(new IncomingMessage(new Socket()));

function setUp(limit?: number) {
  const events = new FastMcpEvents();
  const log = new ResourceUpdateLog(events);
  const streams = new ResourceUpdateStreams(log, limit);
  const update = (clientId: string, uri: string) =>
    events.emit('server.resource_updated', { clientId, uri });
  return { events, log, streams, update };
}

/** The events a stream sends at once when it opens, and as `then` makes updates. */
function received(
  streams: ResourceUpdateStreams,
  lastEventId: string | undefined,
  then: () => void = () => {},
): MessageEvent[] {
  const seen: MessageEvent[] = [];
  const subscription = streams
    .stream('docs', newResponse(), lastEventId)
    .subscribe((e) => seen.push(e));
  then();
  subscription.unsubscribe();
  return seen;
}

describe('ResourceUpdateStreams', () => {
  it("sends the client id's updates only, each with an id to reconnect with", () => {
    const { log, streams, update } = setUp();
    const seen = received(streams, undefined, () => {
      update('other', 'file:///a');
      update('docs', 'file:///b');
    });
    update('docs', 'file:///c');
    expect(seen).toEqual([
      { type: 'resource_updated', id: log.idOf(2), data: { uri: 'file:///b' } },
    ]);
  });

  it('sends a stream opened with Last-Event-ID the updates it missed, then the new ones', () => {
    const { log, streams, update } = setUp();
    update('docs', 'file:///1');
    const lastSeen = log.idOf();
    update('docs', 'file:///2');
    update('other', 'file:///x');
    update('docs', 'file:///3');
    const seen = received(streams, lastSeen, () => update('docs', 'file:///4'));
    expect(seen.map((e) => (e.data as { uri: string }).uri)).toEqual([
      'file:///2',
      'file:///3',
      'file:///4',
    ]);
    expect(seen.map((e) => e.id)).toEqual([log.idOf(2), log.idOf(4), log.idOf(5)]);
    // Up to date: nothing to catch up on.
    expect(received(streams, log.idOf())).toEqual([]);
  });

  it('sends resync, not a partial catch-up, for an id it cannot place or updates no longer kept', () => {
    const { log, streams, update } = setUp();
    update('docs', 'file:///0');
    const early = log.idOf();
    for (let i = 1; i <= UPDATES_KEPT + 1; i++) update('docs', `file:///${i}`);
    for (const lastEventId of [early, '1', 'xyz-1', `${log.idOf()}0`, 'a'.repeat(5000)]) {
      const seen = received(streams, lastEventId);
      expect(seen, lastEventId).toEqual([
        expect.objectContaining({ type: 'resync', id: log.idOf() }),
      ]);
    }
    // The oldest kept one is still a place to resume from.
    const oldestKept = received(streams, log.idOf(3));
    expect(oldestKept).toHaveLength(UPDATES_KEPT - 1);
  });

  it('refuses a stream past its limit, until one closes', () => {
    const { streams } = setUp(1);
    const first = streams.stream('docs', newResponse()).subscribe();
    expect(() => streams.stream('docs', newResponse())).toThrow(ServiceUnavailableException);
    first.unsubscribe();
    expect(() => streams.stream('docs', newResponse()).subscribe().unsubscribe()).not.toThrow();
  });

  it('completes every stream at shutdown', () => {
    const { streams } = setUp();
    let completed = false;
    streams.stream('docs', newResponse()).subscribe({ complete: () => (completed = true) });
    streams.beforeApplicationShutdown();
    expect(completed).toBe(true);
  });
});
