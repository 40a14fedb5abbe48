import type {
  EventId,
  EventStore,
  StreamId,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Digits of the sequence number in an event id; ids all have the same length. */
const SEQUENCE_DIGITS = 8;

interface StoredEvent {
  readonly id: EventId;
  readonly streamId: StreamId;
  readonly message: JSONRPCMessage;
}

/**
 * An in-memory EventStore with ids in arrival order (`ev-00000001`, ...). The SDK's example store
 * sorts ids made of a timestamp and a random part, so two events of one millisecond can replay
 * out of order; here the order is exact, and every id has the same length, so the bytes of a
 * priming event are known in advance (see `primingEventLength`).
 */
export class OrderedEventStore implements EventStore {
  private readonly events: StoredEvent[] = [];
  /** Ids a client resumed after (the Last-Event-ID of each replay), in order. */
  readonly replays: EventId[] = [];

  storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = formatEventId(this.events.length + 1);
    this.events.push({ id, streamId, message });
    return Promise.resolve(id);
  }

  getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return Promise.resolve(this.find(eventId)?.streamId);
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const last = this.find(lastEventId);
    if (!last) return '';
    this.replays.push(lastEventId);
    const position = this.events.indexOf(last);
    for (const event of this.events.slice(position + 1)) {
      if (event.streamId === last.streamId) await send(event.id, event.message);
    }
    return last.streamId;
  }

  private find(eventId: EventId): StoredEvent | undefined {
    return this.events.find((event) => event.id === eventId);
  }
}

export function formatEventId(sequence: number): EventId {
  return `ev-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** Bytes of the SDK's priming event (`id: ...\nretry: ...\ndata: \n\n`) with our ids. */
export function primingEventLength(retryIntervalMs: number | undefined): number {
  const retry = retryIntervalMs === undefined ? '' : `retry: ${retryIntervalMs}\n`;
  return Buffer.byteLength(`id: ${formatEventId(1)}\n${retry}data: \n\n`);
}
