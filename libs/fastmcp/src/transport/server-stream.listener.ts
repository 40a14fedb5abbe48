import type { Readable } from 'node:stream';
import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import type { AxiosResponse } from 'axios';
import {
  type ExchangeContext,
  ServerMessageDispatcher,
} from '../protocol/server-message.dispatcher.js';
import { type Clock, FASTMCP_CLOCK } from '../retry/clock.js';
import { FASTMCP_TRACER, type OperationTracer } from '../tracing/operation-tracer.interface.js';
import type { HttpTarget } from './http-target.interface.js';
import { McpHttpTransport } from './mcp-http.transport.js';
import { releaseErrorBody } from './error-body-release.js';
import { type SentRequest, sendWithOneChallenge } from './one-challenge.js';
import { readBodyText } from './read-body.js';
import { requestHeaders } from './request-headers.js';
import { ResponseBudget } from './response-budget.js';
import { isEventStream, readResponse } from './response-reader.js';
import { SESSION_TEXT_LIMIT, saysSessionGone } from './session-gone.js';
import type { SseCursor } from './sse-response.reader.js';
import { UpstreamText } from './upstream-text.js';

/** Wait before reopening a stream whose server sent no `retry:`. */
const REOPEN_DELAY_MS = 1000;
/** The shortest wait a server's `retry:` gets: one ending its stream at once cannot make a loop. */
const MIN_REOPEN_DELAY_MS = 250;
/** The longest: past 2^31-1 ms a timer fires after 1 ms, so a huge `retry:` would make a loop. */
const MAX_REOPEN_DELAY_MS = 60_000;
/** Failed opens in a row (network errors, 5xx) before the client stops listening. */
const MAX_FAILED_OPENS = 5;

/** How a GET stream's first open went: open, refused by the server (a 4xx), or given up. */
export type StreamOpening = 'open' | 'refused' | 'ended';

export interface ServerStream {
  /** Settles at the first open, or when listening ends before one. */
  opened: Promise<StreamOpening>;
  stop(): void;
}

/**
 * The session's own GET stream, on which a server sends requests and notifications that belong
 * to no call (an elicitation a tool asks for outside its answer, a ping). Its requests are
 * answered through the same dispatcher as a call's stream, under the same limit of requests
 * being answered at once. A 401 runs the OAuth flow and opens it again once; a 4xx after that
 * (405: the server offers no such stream) ends listening. A 404, or a 400 that names the session,
 * when reopening a stream that was open also tells `onSessionLost` (the first GET's 404 only says
 * there is no such stream). An ended stream is reopened with `Last-Event-ID` after its `retry:`.
 */
@Injectable()
export class ServerStreamListener {
  constructor(
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(ServerMessageDispatcher) private readonly dispatcher: ServerMessageDispatcher,
    @Inject(ResponseBudget) private readonly budget: ResponseBudget,
    @Inject(McpHttpTransport) private readonly transport: McpHttpTransport,
    @Inject(FASTMCP_CLOCK) private readonly clock: Clock,
    @Inject(FASTMCP_TRACER) private readonly tracer: OperationTracer,
  ) {}

  /**
   * Starts listening in the background. Detached from the trace of the operation that opened the
   * session: the stream outlives it, and what the app's handlers do for the server's requests on
   * it is no part of that operation.
   */
  listen(target: HttpTarget, clientId: string, onSessionLost?: () => void): ServerStream {
    const controller = new AbortController();
    let settle!: (opening: StreamOpening) => void;
    const opened = new Promise<StreamOpening>((resolve) => (settle = resolve));
    const onOpen = (): void => settle('open');
    void this.tracer
      .detached(() => this.keepListening(target, clientId, controller.signal, onOpen))
      .then((ended) => {
        settle(ended === 'refused' && !controller.signal.aborted ? 'refused' : 'ended');
        if (ended === 'session lost' && !controller.signal.aborted) onSessionLost?.();
      })
      .catch(() => settle('ended'));
    return { opened, stop: () => controller.abort() };
  }

  private async keepListening(
    target: HttpTarget,
    clientId: string,
    signal: AbortSignal,
    onOpen: () => void,
  ): Promise<'session lost' | 'refused' | undefined> {
    const cursor: SseCursor = {};
    // One context for every reopen: a server cannot reset the limit by ending its stream.
    const context: ExchangeContext = {
      clientId,
      signal,
      handling: new Map(),
      upstream: new UpstreamText(target),
      reply: (answer) => this.transport.send(target, answer),
      tasks: target.tasks,
    };
    const sink = (message: Parameters<ServerMessageDispatcher['dispatch']>[0]): void =>
      this.dispatcher.dispatch(message, context);
    let opened = false;
    for (let failed = 0; failed < MAX_FAILED_OPENS && !signal.aborted;) {
      const response = await this.open(target, cursor, signal, opened);
      if (response === 'refused' || response === 'session lost') return response;
      if (response) {
        if (!opened) onOpen();
        opened = true;
        failed = 0;
        const meter = this.budget.meter(target, { clientId });
        await readResponse(response, undefined, sink, cursor, meter, signal).catch(() => undefined);
        meter.release();
      } else {
        failed += 1;
      }
      if (signal.aborted) return;
      const asked = cursor.retryMs ?? REOPEN_DELAY_MS;
      const delayMs = Math.min(Math.max(asked, MIN_REOPEN_DELAY_MS), MAX_REOPEN_DELAY_MS);
      await this.clock.sleep(delayMs, signal).catch(() => undefined);
    }
  }

  /** Opens the stream; after a 401, runs the OAuth flow once and tries again with the new token. */
  private async open(
    target: HttpTarget,
    cursor: SseCursor,
    signal: AbortSignal,
    reopening: boolean,
  ): Promise<AxiosResponse<Readable> | 'refused' | 'session lost' | undefined> {
    const sent = await sendWithOneChallenge(
      target,
      () => this.get(target, cursor, signal),
      signal,
    ).catch(() => undefined);
    // No token to be had (or the session closed meanwhile): stop listening, as for any 4xx.
    if (!sent) return 'refused';
    const response = sent.response;
    if (!response) return undefined;
    if (response.status === 200 && isEventStream(response.headers['content-type'])) return response;
    if (target.sessionId && reopening && (await this.saysSessionGone(response, signal))) {
      return 'session lost';
    }
    releaseErrorBody(response.data);
    return response.status >= 400 && response.status < 500 ? 'refused' : undefined;
  }

  /** Reads a 400's body (bounded) to tell a gone session from another refusal. */
  private async saysSessionGone(
    response: AxiosResponse<Readable>,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (response.status !== 400) return saysSessionGone(response.status, '');
    const read = await readBodyText(response.data, SESSION_TEXT_LIMIT, signal).catch(
      () => undefined,
    );
    return saysSessionGone(400, read?.text ?? '');
  }

  private async get(
    target: HttpTarget,
    cursor: SseCursor,
    signal: AbortSignal,
  ): Promise<SentRequest> {
    const authorization = await target.auth?.authorization(signal);
    const headers = {
      ...requestHeaders(target, authorization),
      accept: 'text/event-stream',
      ...(cursor.lastEventId === undefined ? {} : { 'last-event-id': cursor.lastEventId }),
    };
    const response = await this.http.axiosRef
      .get<Readable>(target.url, {
        headers,
        responseType: 'stream',
        signal,
        validateStatus: () => true,
      })
      .catch(() => undefined);
    return { response, authorization };
  }
}
