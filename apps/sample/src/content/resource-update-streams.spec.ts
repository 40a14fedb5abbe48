import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { FastMcpEvents } from '@app/fastmcp';
import { type MessageEvent, ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ResourceUpdateStreams } from './resource-update-streams.js';

const newResponse = () => new ServerResponse(new IncomingMessage(new Socket()));

describe('ResourceUpdateStreams', () => {
  it("sends the client id's updates only", () => {
    const events = new FastMcpEvents();
    const streams = new ResourceUpdateStreams(events);
    const received: MessageEvent[] = [];
    const subscription = streams.stream('docs', newResponse()).subscribe((e) => received.push(e));
    events.emit('server.resource_updated', { clientId: 'other', uri: 'file:///a' });
    events.emit('server.resource_updated', { clientId: 'docs', uri: 'file:///b' });
    subscription.unsubscribe();
    events.emit('server.resource_updated', { clientId: 'docs', uri: 'file:///c' });
    expect(received).toEqual([{ type: 'resource_updated', data: { uri: 'file:///b' } }]);
  });

  it('refuses a stream past its limit, until one closes', () => {
    const streams = new ResourceUpdateStreams(new FastMcpEvents(), 1);
    const first = streams.stream('docs', newResponse()).subscribe();
    expect(() => streams.stream('docs', newResponse())).toThrow(ServiceUnavailableException);
    first.unsubscribe();
    expect(() => streams.stream('docs', newResponse()).subscribe().unsubscribe()).not.toThrow();
  });

  it('completes every stream at shutdown', () => {
    const streams = new ResourceUpdateStreams(new FastMcpEvents());
    let completed = false;
    streams.stream('docs', newResponse()).subscribe({ complete: () => (completed = true) });
    streams.beforeApplicationShutdown();
    expect(completed).toBe(true);
  });
});
