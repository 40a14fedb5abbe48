import { FastMcpEvents } from '@app/fastmcp';
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

/** Update streams open at once, past which a new one is refused (each holds a connection). */
export const MAX_UPDATE_STREAMS = 100;
/** A ping this often keeps proxies from closing a stream that has had nothing to say. */
const PING_MS = 30_000;
export const UPDATE_STREAMS_LIMIT = Symbol('UPDATE_STREAMS_LIMIT');

/**
 * The server-sent event streams of `server.resource_updated`, one per request, for a client id.
 * All of them end when the app shuts down, and so do their connections: an idle keep-alive one
 * would hold the HTTP server's close for its timeout.
 */
@Injectable()
export class ResourceUpdateStreams implements BeforeApplicationShutdown {
  private readonly closing = new Subject<void>();
  private readonly responses = new Set<ServerResponse>();

  constructor(
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
    @Optional() @Inject(UPDATE_STREAMS_LIMIT) private readonly limit = MAX_UPDATE_STREAMS,
  ) {}

  /** `resource_updated` events ({ uri }) of `clientId`, and a `ping` every 30 s, as `response`. */
  stream(clientId: string, response: ServerResponse): Observable<MessageEvent> {
    if (this.responses.size >= this.limit) {
      throw new ServiceUnavailableException(
        `too many resource update streams are open (at most ${this.limit}); try again later`,
      );
    }
    const updates = new Observable<MessageEvent>((subscriber) => {
      this.responses.add(response);
      const stop = this.events.on('server.resource_updated', (event) => {
        if (event.clientId !== clientId) return;
        subscriber.next({ type: 'resource_updated', data: { uri: event.uri } });
      });
      return () => {
        stop();
        this.responses.delete(response);
      };
    });
    const pings = interval(PING_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: '' })));
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
}
