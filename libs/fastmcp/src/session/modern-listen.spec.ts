import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import type { InertLogger } from '../logging/inert-logger.js';
import type { ListenFilter } from './listen-filter.js';
import { ModernListen } from './modern-listen.js';
import type { StreamEnd, SubscriptionStream } from './subscription-stream.js';

const URI = 'config://app';
const WANTED: ListenFilter = { resourceSubscriptions: [URI] };

/** A stream whose acknowledgment is given (or refused) at once, ended when the test says. */
function fakeStream(ack: ListenFilter | Error | 'never') {
  let end!: (how: StreamEnd) => void;
  const ended = new Promise<StreamEnd>((resolve) => (end = resolve));
  const acknowledged =
    ack === 'never'
      ? new Promise<ListenFilter>(() => undefined)
      : ack instanceof Error
        ? Promise.reject(ack)
        : Promise.resolve(ack);
  acknowledged.catch(() => undefined);
  if (ack instanceof Error) end('broken');
  const state = { closed: false, end };
  const stream = {
    acknowledged,
    ended,
    close: () => {
      state.closed = true;
      end('broken');
    },
  };
  return { stream: stream as unknown as SubscriptionStream, state };
}

function listenWith(acks: Array<ListenFilter | Error>, wanted: () => ListenFilter = () => WANTED) {
  const clock = new FakeClock();
  const warn = vi.fn();
  const opened: Array<ReturnType<typeof fakeStream>['state']> = [];
  const listen = new ModernListen({
    clientId: 'c',
    wanted,
    open: () => {
      // Past the script, a stream that is never acknowledged: the loop waits there.
      const next = fakeStream(acks.shift() ?? 'never');
      opened.push(next.state);
      return next.stream;
    },
    clock,
    logger: { warn } as unknown as InertLogger,
  });
  return { listen, clock, warn, opened };
}

describe('ModernListen', () => {
  it('opens a cut stream again after 1 s, then 2 s while it fails, and starts over once open', async () => {
    const network = new McpTransportError('network', 'down');
    const { listen, clock, opened } = listenWith([WANTED, network, WANTED, WANTED]);
    listen.start();
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    opened[0].end('broken');
    await vi.waitFor(() => expect(opened).toHaveLength(3));
    expect(clock.sleeps).toEqual([1000, 2000]);
    opened[2].end('broken');
    await vi.waitFor(() => expect(opened).toHaveLength(4));
    expect(clock.sleeps).toEqual([1000, 2000, 1000]);
    listen.stop();
    expect(opened[3].closed).toBe(true);
  });

  it('stops at a refusal, with a WARN line', async () => {
    const { listen, opened, warn } = listenWith([new McpHttpError(404)]);
    listen.start();
    await vi.waitFor(() => expect(warn).toHaveBeenCalledOnce());
    expect(String(warn.mock.calls[0][0])).toContain('refused subscriptions/listen');
    expect(opened).toHaveLength(1);
  });

  it('does not reopen a stream the server ended while honouring nothing; does one it honoured', async () => {
    const empty = listenWith([{}]);
    empty.listen.start();
    await vi.waitFor(() => expect(empty.opened).toHaveLength(1));
    empty.opened[0].end('complete');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(empty.opened).toHaveLength(1);

    const honoured = listenWith([WANTED, WANTED]);
    honoured.listen.start();
    await vi.waitFor(() => expect(honoured.opened).toHaveLength(1));
    honoured.opened[0].end('complete');
    await vi.waitFor(() => expect(honoured.opened).toHaveLength(2));
    honoured.listen.stop();
  });

  it('keeps the old stream until the new one is acknowledged; closes it when nothing is wanted', async () => {
    let wanted: ListenFilter = WANTED;
    const { listen, opened } = listenWith(
      [WANTED, { resourceSubscriptions: [URI, 'b://'] }],
      () => wanted,
    );
    expect(await listen.update(new AbortController().signal)).toEqual(WANTED);
    wanted = { resourceSubscriptions: [URI, 'b://'] };
    const acknowledged = await listen.update(new AbortController().signal);
    expect(acknowledged).toEqual(wanted);
    expect(opened.map((state) => state.closed)).toEqual([true, false]);
    wanted = {};
    expect(await listen.update(new AbortController().signal)).toEqual({});
    expect(opened.map((state) => state.closed)).toEqual([true, true]);
  });

  it('gives up an update whose signal aborts before the acknowledgment, keeping the live stream', async () => {
    const { listen, opened } = listenWith([WANTED]);
    await listen.update(new AbortController().signal);
    const aborted = new AbortController();
    const updating = listen.update(aborted.signal);
    aborted.abort(new Error('attempt timed out'));
    await expect(updating).rejects.toThrow('attempt timed out');
    expect(opened.map((state) => state.closed)).toEqual([false, true]);
    listen.stop();
  });
});
