import { InertLogger } from '../logging/inert-logger.js';

/**
 * Server requests of one stream (a call's, or the session's GET stream) handled or answered at
 * once. Each answer is a POST that holds one of the origin's 256 pooled sockets or queues for
 * one, and a handler may wait on a person or a model. A real server asks one thing at a time (it
 * waits for each answer), so 16 leaves room for pings beside it, while one stream can neither
 * take the pool from the other calls nor queue a POST for every request it is sent.
 */
export const MAX_ANSWERING_PER_STREAM = 16;
/**
 * Pings answered at once, apart from the other requests: a ping runs no handler, so it must not
 * wait behind handlers that wait on a person (or ignore a cancellation), and a ping flood holds
 * at most this many POSTs.
 */
export const MAX_PINGS_PER_STREAM = 16;

interface StreamLoad {
  answering: number;
  pinging: number;
  dropped: number;
  /** The drop count at which the next WARN is logged: 1, 10, 100... */
  warnAt: number;
}

/**
 * Counts the requests each stream has being handled or answered. Past the limit a request is
 * dropped (never answered), not waited for: the stream's reader does not wait on its messages,
 * so waiting would mean holding every request past the limit, the memory a flood must not get.
 * A server times out a request it gets no answer to, as it would one lost on the way.
 */
export class ServerRequestLimit {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private readonly streams = new WeakMap<object, StreamLoad>();

  /**
   * Takes a place for one request of `stream` (a ping's among the pings'); false, the drop
   * counted, when none is free.
   */
  admit(stream: object, clientId: string, ping = false): boolean {
    let load = this.streams.get(stream);
    if (!load) {
      load = { answering: 0, pinging: 0, dropped: 0, warnAt: 1 };
      this.streams.set(stream, load);
    }
    if (ping && load.pinging < MAX_PINGS_PER_STREAM) {
      load.pinging += 1;
      return true;
    }
    if (!ping && load.answering < MAX_ANSWERING_PER_STREAM) {
      load.answering += 1;
      return true;
    }
    load.dropped += 1;
    if (load.dropped === load.warnAt) {
      load.warnAt *= 10;
      const limit = ping ? `${MAX_PINGS_PER_STREAM} pings` : `${MAX_ANSWERING_PER_STREAM}`;
      this.logger.warn(
        `Left a server request from ${clientId} unanswered: ${limit} are ` +
          `already being answered on its stream (${load.dropped} so far)`,
        { event: 'server.request.dropped', clientId, dropped: load.dropped },
      );
    }
    return false;
  }

  /** Gives back the place of a request whose answer was sent or given up. */
  release(stream: object, ping = false): void {
    const load = this.streams.get(stream);
    if (!load) return;
    if (ping) load.pinging -= 1;
    else load.answering -= 1;
  }
}
