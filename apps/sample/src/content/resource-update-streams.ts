import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type MessageEvent,
  Optional,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { interval, map, merge, Observable, Subject, takeUntil } from 'rxjs';
import { type LoggedUpdate, ResourceUpdateLog, UPDATES_KEPT } from './resource-update-log.js';

/** Update streams open at once, past which a new one is refused (each holds a connection). */
export const MAX_UPDATE_STREAMS = 100;
/** A ping this often keeps proxies from closing a stream that has had nothing to say. */
const PING_MS = 30_000;
export const UPDATE_STREAMS_LIMIT = Symbol('UPDATE_STREAMS_LIMIT');

/**
 * The server-sent event streams of `server.resource_updated`, one per request, for a client id.
 * A stream opened with `Last-Event-ID` first gets the updates it missed, or a `resync` event when
 * they are not all kept. All streams end when the app shuts down, and so do their connections:
 * an idle keep-alive one would hold the HTTP server's close for its timeout.
 */
@Injectable()
export class ResourceUpdateStreams implements BeforeApplicationShutdown {
  private readonly closing = new Subject<void>();
  private readonly responses = new Set<ServerResponse>();

  constructor(
    @Inject(ResourceUpdateLog) private readonly log: ResourceUpdateLog,
    @Optional() @Inject(UPDATE_STREAMS_LIMIT) private readonly limit = MAX_UPDATE_STREAMS,
  ) {}

  /**
   * `resource_updated` events ({ uri }) of `clientId` as `response`, after those since
   * `lastEventId`, and a `ping` every 30 s. Every event carries an id to reconnect with (a
   * ping, that of the latest update heard).
   */
  stream(
    clientId: string,
    response: ServerResponse,
    lastEventId?: string,
  ): Observable<MessageEvent> {
    if (this.responses.size >= this.limit) {
      throw new ServiceUnavailableException(
        `too many resource update streams are open (at most ${this.limit}); try again later`,
      );
    }
    const updates = new Observable<MessageEvent>((subscriber) => {
      this.responses.add(response);
      if (lastEventId !== undefined) {
        const missed = this.log.since(clientId, lastEventId);
        if (missed) for (const update of missed) subscriber.next(this.eventOf(update));
        else subscriber.next(this.resync());
      }
      // In the same turn as the catch-up: no update falls between the two.
      const stop = this.log.follow((updated, update) => {
        if (updated === clientId) subscriber.next(this.eventOf(update));
      });
      return () => {
        stop();
        this.responses.delete(response);
      };
    });
    const pings = interval(PING_MS).pipe(
      map((): MessageEvent => ({ type: 'ping', id: this.log.idOf(), data: '' })),
    );
    return merge(updates, pings).pipe(takeUntil(this.closing));
  }

  beforeApplicationShutdown(): void {
    for (const response of this.responses) {
      const { socket } = response;
      response.once('finish', () => socket?.end());
    }
    this.closing.next();
    this.closing.complete();
  }

  private eventOf(update: LoggedUpdate): MessageEvent {
    return { type: 'resource_updated', id: this.log.idOf(update.seq), data: { uri: update.uri } };
  }

  private resync(): MessageEvent {
    const reason =
      `the updates since Last-Event-ID are not all kept (the last ${UPDATES_KEPT} of a client ` +
      'id, since the app started): read the subscribed resources again';
    return { type: 'resync', id: this.log.idOf(), data: { reason } };
  }
}
