import type { Readable } from 'node:stream';
import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { type AxiosRequestConfig, type AxiosResponse, getAdapter, isAxiosError } from 'axios';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { isStepUp, parseChallenge } from '../auth/parse-challenge.js';
import type { AuthChallenge } from '../auth/server-auth.interface.js';
import { detachCause } from '../errors/detach-cause.js';
import { isFastMcpError } from '../errors/fastmcp.error.js';
import { isMcpAbortedError } from '../errors/mcp-aborted.error.js';
import { isMcpHttpError, McpHttpError } from '../errors/mcp-http.error.js';
import { isMcpTimeoutError } from '../errors/mcp-timeout.error.js';
import { isMcpUrlElicitationRequiredError } from '../errors/mcp-url-elicitation-required.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import { withFields } from '../errors/with-fields.js';
import { ElicitationCompletions } from '../protocol/elicitation-completions.js';
import { ServerMessageDispatcher } from '../protocol/server-message.dispatcher.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import type { RetryRun } from '../retry/retry-run.js';
import { AxiosErrorConverter } from './axios-error.converter.js';
import {
  traceableSessionId,
  traceAttempt,
  withTraceHeaders,
  withTraceMeta,
} from './attempt-trace.js';
import type { ExchangeOptions } from './exchange-options.interface.js';
import { exchangeSink } from './exchange-sink.js';
import type { HttpTarget, TransportResponse } from './http-target.interface.js';
import { trimAxiosDefaults } from './lean-axios-defaults.js';
import { signalledFallback } from './attempt-abort.js';
import { leanHttpAdapter, type SocketHook } from './lean-http.adapter.js';
import { OriginPools } from './origin-pools.js';
import { undiciAdapter } from './undici.adapter.js';
import { jsonRpcNotification, jsonRpcRequest, withProgressToken } from './jsonrpc.js';
import { releaseErrorBody } from './error-body-release.js';
import { requestHeaders } from './request-headers.js';
import { keepAliveAgents } from './keep-alive-agents.js';
import { SocketWatch, watchedFallback } from './socket-watch.js';
import { ResponseBudget } from './response-budget.js';
import type { AttemptTrace } from '../tracing/operation-tracer.interface.js';
import { isStreamCut, type Resumptions, StreamResumption } from './stream-resumption.js';
import { UpstreamText } from './upstream-text.js';
import { headerValue, readResponse } from './response-reader.js';
import type { SseCursor } from './sse-response.reader.js';

const MESSAGE_TIMEOUT_MS = 5000;

/** The request an answer is read for, and what reads it. */
interface AnswerReading {
  message: JSONRPCRequest;
  run: RetryRun;
  exchange: ExchangeOptions;
  upstream: UpstreamText;
  attempt?: AttemptTrace;
}

/**
 * MCP Streamable HTTP over the module's axios instance: one JSON-RPC message per POST, the
 * answer read as JSON or as an SSE stream, resumed by `Last-Event-ID` when the stream ends
 * early. Each call of `request` is one attempt: it is admitted by the server's pipeline and
 * reports how it ended; the operation runner's single loop decides whether to try again.
 */
@Injectable()
export class McpHttpTransport {
  // An attempt's timeout starts when its request gets a socket, not while it waits for one.
  private readonly sockets = new SocketWatch();
  private readonly agents = keepAliveAgents(this.sockets);
  // Plain http: servers are called over undici pools; https and the rest over the agents.
  private readonly pools = new OriginPools();
  private readonly resumption: StreamResumption;
  private requestIds = 0;

  constructor(
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(ServerMessageDispatcher) private readonly dispatcher: ServerMessageDispatcher,
    @Inject(ResponseBudget) private readonly budget: ResponseBudget,
    @Inject(ElicitationCompletions) private readonly completions: ElicitationCompletions,
  ) {
    const axios = http.axiosRef;
    trimAxiosDefaults(axios.defaults);
    axios.defaults.httpAgent = this.agents.http;
    axios.defaults.httpsAgent = this.agents.https;
    const lean = leanHttpAdapter(
      watchedFallback(this.sockets, signalledFallback(getAdapter('http'))),
    );
    axios.defaults.adapter = undiciAdapter(this.pools, this.agents.http, lean);
    this.resumption = new StreamResumption(axios);
  }

  /**
   * Sends a request and returns the result of its response: one attempt of `run`. A 401 (or a
   * 403 `insufficient_scope`) on a server with `auth` runs the OAuth flow, then re-sends once
   * for each of the two. The flow runs outside the attempts, bounded by the call's signal and
   * budget.
   */
  async request(
    target: HttpTarget,
    method: string,
    params: Record<string, unknown> | undefined,
    run: RetryRun,
    exchange: ExchangeOptions = {},
  ): Promise<TransportResponse> {
    const auth = target.auth;
    // One re-send per kind of challenge: a 401 flow may be followed by a 403 step-up.
    const challenged = new Set<number>();
    for (;;) {
      const authorization = auth
        ? await run.outsideAttempt((signal) => auth.authorization(signal))
        : undefined;
      try {
        const response = await this.exchange(target, authorization, method, params, run, exchange);
        auth?.onSuccess?.();
        return response;
      } catch (error) {
        const challenge = authChallengeOf(error);
        if (!challenge || !auth || challenged.has(challenge.status)) throw error;
        challenged.add(challenge.status);
        // The refused attempt is over: its timeout must not fire during the flow and end the call.
        run.endAttempt();
        await run.outsideAttempt((signal) =>
          auth.onChallenge({ ...challenge, authorization }, signal),
        );
      }
    }
  }

  /**
   * Posts one message the server answers with 202 (a notification, or a response to it), or a
   * request whose answer nobody reads (a modern `tasks/cancel`, with its standard `headers`).
   */
  async send(
    target: HttpTarget,
    message: JSONRPCMessage,
    signal?: AbortSignal,
    trace?: AttemptTrace,
    { headers }: { headers?: Record<string, string> } = {},
  ): Promise<void> {
    const timeout = AbortSignal.timeout(MESSAGE_TIMEOUT_MS);
    const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const label = 'method' in message ? message.method : 'response';
    const authorization = await authorizationFor(target, bounded, label);
    const response = await this.http.axiosRef
      .post<Readable>(target.url, JSON.stringify(message), {
        headers: withTraceHeaders(
          Object.assign(requestHeaders(target, authorization), headers),
          trace,
        ),
        responseType: 'stream',
        signal: bounded,
        validateStatus: () => true,
      })
      .catch((error: unknown) => {
        throw notDelivered(target, authorization, label, error);
      });
    releaseErrorBody(response.data);
    if (response.status === 404 && target.sessionId) {
      throw new McpTransportError('session_lost', `session lost (HTTP 404 to ${label})`);
    }
    if (response.status >= 300) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
      throw new McpHttpError(response.status, { retryAfterMs });
    }
  }

  /** Ends a session with HTTP DELETE; a server that does not allow it (405) is fine. */
  async terminate(target: HttpTarget): Promise<void> {
    // One bound for the token (a refresh may be due) and the request: shutdown waits on it.
    const signal = AbortSignal.timeout(MESSAGE_TIMEOUT_MS);
    const authorization = await authorizationFor(target, signal, 'session end (DELETE)');
    const response = await this.http.axiosRef
      .delete<Readable>(target.url, {
        headers: requestHeaders(target, authorization),
        responseType: 'stream',
        signal,
        validateStatus: () => true,
      })
      .catch((error: unknown) => {
        throw notDelivered(target, authorization, 'session end (DELETE)', error);
      });
    releaseErrorBody(response.data);
  }

  /** Closes the keep-alive sockets; the client service calls it after ending its sessions. */
  async close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
    await this.pools.close();
  }

  private async exchange(
    target: HttpTarget,
    authorization: string | undefined,
    method: string,
    params: Record<string, unknown> | undefined,
    run: RetryRun,
    exchange: ExchangeOptions,
  ): Promise<TransportResponse> {
    // What the server says back is scrubbed of this request's secrets before it goes anywhere.
    const upstream = new UpstreamText(target, authorization);
    const converter = new AxiosErrorConverter(
      run,
      target.sessionId !== undefined,
      run.retryableStatusCodes,
      upstream,
    );
    // Admitted first (breaker, rate limit): a request refused there is never sent, so it gets
    // no request id, no attempt span and no cancellation.
    const attemptAbort = await run
      .beginAttempt({ awaitSocket: true })
      .catch(async (error: unknown) => {
        throw await converter.convert(error);
      });
    const id = this.nextRequestId();
    const attempt = traceAttempt(run, target, method, id, params);
    const message = jsonRpcRequest(
      id,
      method,
      withTraceMeta(progressParams(params, id, exchange), attempt),
    );
    let response: AxiosResponse<Readable>;
    try {
      const config: AxiosRequestConfig & SocketHook = {
        method: 'post',
        url: target.url,
        data: JSON.stringify(message),
        headers: withTraceHeaders(
          Object.assign(requestHeaders(target, authorization), exchange.headers),
          attempt,
        ),
        responseType: 'stream',
        attemptAbort,
        onSocket: () => run.requestWritten(attemptAbort),
      };
      response = await this.http.axiosRef.request<Readable>(config);
    } catch (error) {
      // An answer with an error status is an answer: its span records the status, whatever the
      // failure it becomes (a 404 that ends the session is `session_lost`, not an HTTP error).
      const status = isAxiosError(error) ? error.response?.status : undefined;
      if (status !== undefined) attempt?.responded(status);
      const failure = await converter.convert(error);
      attempt?.end(spanEnd(failure, exchange));
      this.cancelIfInterrupted(target, message, failure, attempt);
      throw failure;
    }
    const sessionId = headerValue(response.headers['mcp-session-id']);
    // The session's own id was checked when it began; only a new one (initialize) is checked here.
    attempt?.responded(
      response.status,
      sessionId === target.sessionId
        ? target.traceSessionId
        : traceableSessionId(sessionId, upstream),
    );
    // Object.assign, not a spread and a key: on Node 20 that costs about 1.5 us a key.
    const answering: HttpTarget = sessionId ? Object.assign({}, target, { sessionId }) : target;
    try {
      const reading = { message, run, exchange, upstream, attempt };
      const result = await this.readWithResumption(answering, response, reading);
      run.recordSuccess();
      attempt?.end({ result });
      return { result, sessionId };
    } catch (error) {
      // What the answer said (a JSON-RPC error, a broken stream) knows nothing of who asked.
      const failure = attributed(run.explainAbort(error), run);
      // Its elicitations' completion tells the app when to send the request again.
      if (isMcpUrlElicitationRequiredError(failure)) this.completions.required(failure);
      attempt?.end(spanEnd(failure, exchange));
      this.cancelIfInterrupted(answering, message, failure, attempt);
      // An initialize whose answer never came whole opened a session nobody will use.
      if (method === 'initialize' && sessionId && !target.sessionId) {
        void this.terminate(answering).catch(() => undefined);
      }
      throw failure;
    }
  }

  /**
   * Reads the answer; when the stream ends or breaks after an event id, waits the server's
   * `retry` and picks the stream up again by GET with `Last-Event-ID` (the request is not re-sent).
   * A 401 to that GET runs the server's OAuth flow once, then GETs again with the new token.
   * One meter counts the answer's bytes across its resumed streams.
   */
  private async readWithResumption(
    target: HttpTarget,
    response: AxiosResponse<Readable>,
    { message, run, exchange, upstream, attempt }: AnswerReading,
  ): Promise<Record<string, unknown>> {
    const cursor: SseCursor = {};
    const { sink, end } = exchangeSink(
      this.dispatcher,
      target,
      message,
      run,
      exchange,
      upstream,
      (answer) => this.send(target, answer),
    );
    const meter = this.budget.meter(target, { clientId: run.clientId, operation: run.operation });
    const resumptions: Resumptions = { count: 0, challenged: false, attempt };
    let stream = response;
    try {
      for (;;) {
        try {
          const abort = run.attemptAbort;
          return await readResponse(stream, message.id, sink, cursor, meter, abort, upstream);
        } catch (error) {
          const failure = run.explainAbort(error);
          // A modern stream cannot be resumed: the request is lost, a retry re-issues it.
          const resumable = target.era !== 'modern' && cursor.lastEventId !== undefined;
          if (!isStreamCut(failure) || !resumable) throw failure;
          stream = await this.resumption.resume(target, cursor, run, failure, resumptions);
        }
      }
    } finally {
      meter.release();
      end();
    }
  }

  private nextRequestId(): number {
    this.requestIds += 1;
    return this.requestIds;
  }

  /**
   * Tells the server to stop work on a request we stopped waiting for (not `initialize`), with the
   * interrupted attempt's trace context so the server can tie the cancel to the request. In the
   * modern era the closed stream is the cancellation: nothing is sent.
   */
  private cancelIfInterrupted(
    target: HttpTarget,
    message: JSONRPCRequest,
    failure: unknown,
    attempt: AttemptTrace | undefined,
  ): void {
    const interrupted = isMcpTimeoutError(failure) || isMcpAbortedError(failure);
    if (!interrupted || message.method === 'initialize' || target.era === 'modern') return;
    const reason = isMcpTimeoutError(failure) ? 'timeout' : 'aborted by the caller';
    const cancelled = jsonRpcNotification(
      'notifications/cancelled',
      withTraceMeta({ requestId: message.id, reason }, attempt),
    );
    this.send(target, cancelled, undefined, attempt).catch(() => undefined);
  }
}

/**
 * A message outside any attempt (a notification, a response, the session's DELETE) that got no
 * answer. The HTTP client's error carries the request's config (its headers, its URL): only a
 * copy of it, scrubbed of the request's secrets, is kept as the cause.
 */
/** The Authorization of a message; a token that did not come in time is a message not sent. */
async function authorizationFor(
  target: HttpTarget,
  signal: AbortSignal,
  what: string,
): Promise<string | undefined> {
  return target.auth?.authorization(signal).catch((error: unknown) => {
    throw signal.aborted ? notDelivered(target, undefined, what, error, 'ERR_CANCELED') : error;
  });
}

function notDelivered(
  target: HttpTarget,
  authorization: string | undefined,
  what: string,
  error: unknown,
  code = (error as { code?: unknown }).code,
): McpTransportError {
  const upstream = new UpstreamText(target, authorization);
  const name = typeof code === 'string' ? upstream.excerpt(code, 40) : 'ERR_NETWORK';
  return new McpTransportError('network', `${name}: ${what} not delivered`, {
    cause: detachCause(error, (text) => upstream.scrub(text)),
  });
}

/**
 * The OAuth challenge in a failure: a 401, or a 403 whose Bearer challenge asks for more scope
 * (read as OAuthServerAuth reads it, so both agree on what a step-up is).
 */
function authChallengeOf(error: unknown): AuthChallenge | undefined {
  if (!isMcpHttpError(error)) return undefined;
  const wwwAuthenticate = error.wwwAuthenticate;
  if (error.status === 401) return { status: 401, wwwAuthenticate };
  const forbidden: AuthChallenge = { status: 403, wwwAuthenticate };
  if (error.status === 403 && isStepUp(forbidden, parseChallenge(forbidden))) return forbidden;
  return undefined;
}

/** How a failed attempt's span ends: with the failure, unless it is the expected answer. */
function spanEnd(failure: unknown, exchange: ExchangeOptions): { error?: unknown } {
  return exchange.expectedFailure?.(failure) ? {} : { error: failure };
}

/** `params` with the progress token the exchange asks for, if it sends one. */
function progressParams(
  params: Record<string, unknown> | undefined,
  id: number,
  exchange: ExchangeOptions,
): Record<string, unknown> | undefined {
  const progress = exchange.progress;
  if (!progress || progress.heardOnly) return params;
  return withProgressToken(params, progress.token ?? id);
}

/** `error` naming the client id and operation of the exchange it ended, when it names none. */
function attributed(error: unknown, run: RetryRun): unknown {
  if (!isFastMcpError(error) || error.clientId !== undefined) return error;
  return withFields(error, { clientId: run.clientId, operation: error.operation ?? run.operation });
}
