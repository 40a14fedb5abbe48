import type { Readable } from 'node:stream';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { wwwAuthenticateOf } from '../auth/parse-challenge.js';
import type { AuthChallenge, ServerAuth } from '../auth/server-auth.interface.js';
import type { FastMcpError } from '../errors/fastmcp.error.js';
import { isMcpAuthError } from '../errors/mcp-auth.error.js';
import { isMcpTransportError, McpTransportError } from '../errors/mcp-transport.error.js';
import { MAX_RESUMPTIONS, type RetryRun } from '../retry/retry-run.js';
import type { AttemptTrace } from '../tracing/operation-tracer.interface.js';
import { withTraceHeaders } from './attempt-trace.js';
import { releaseErrorBody } from './error-body-release.js';
import type { HttpTarget } from './http-target.interface.js';
import type { SocketHook } from './lean-http.adapter.js';
import { requestHeaders } from './request-headers.js';
import { isEventStream } from './response-reader.js';
import type { SseCursor } from './sse-response.reader.js';

/** Answers to a resumption GET that mean the stream cannot be resumed: re-sending is left. */
const RESUMPTION_REFUSED = [400, 404, 405];

/** The resumptions of one answer, and whether a 401 to one of them has run the OAuth flow. */
export interface Resumptions {
  count: number;
  challenged: boolean;
  /** The span of the attempt being read: each GET carries its trace context, as the POST did. */
  attempt?: AttemptTrace;
}

/** A resumption GET's answer (none when the network failed) and the token it carried. */
interface SentGet {
  response?: AxiosResponse<Readable>;
  authorization?: string;
}

/**
 * Picks an SSE answer up again after its stream ended or broke past an event id: waits the
 * server's `retry`, then GETs the stream with `Last-Event-ID` (the request is not re-sent). A 401
 * to that GET runs the server's OAuth flow once, then GETs again with the new token.
 */
export class StreamResumption {
  constructor(private readonly http: AxiosInstance) {}

  /** The resumed stream, or the failure (or a refusal) when it cannot be resumed. */
  async resume(
    target: HttpTarget,
    cursor: SseCursor,
    run: RetryRun,
    failure: FastMcpError,
    resumptions: Resumptions,
  ): Promise<AxiosResponse<Readable>> {
    for (;;) {
      resumptions.count += 1;
      if (resumptions.count > MAX_RESUMPTIONS) throw failure;
      await run.waitToResume(
        cursor.retryMs ?? run.policy.initialDelayMs,
        resumptions.count,
        failure,
      );
      let sent = await this.resumptionGet(target, cursor, run, resumptions.attempt, failure);
      if (sent.response?.status === 401 && target.auth && !resumptions.challenged) {
        // Once per answer: a new token, then the same GET again (the request is not re-sent).
        resumptions.challenged = true;
        releaseErrorBody(sent.response.data);
        await this.renewToken(target.auth, challengeOf(sent), run, failure);
        sent = await this.resumptionGet(target, cursor, run, resumptions.attempt, failure);
      }
      const response = sent.response;
      if (!response) continue;
      if (response.status === 200 && isEventStream(response.headers['content-type'])) {
        return response;
      }
      releaseErrorBody(response.data);
      if (response.status === 401 || RESUMPTION_REFUSED.includes(response.status)) {
        throw resumptionRefused(response.status, run, failure);
      }
    }
  }

  /** One resumption GET; no response when it failed on the network (the next one may work). */
  private async resumptionGet(
    target: HttpTarget,
    cursor: SseCursor,
    run: RetryRun,
    attempt: AttemptTrace | undefined,
    failure: FastMcpError,
  ): Promise<SentGet> {
    // A token that cannot be had now ends the resumption as a refusal does: the request is out,
    // so the call's delivery stays unknown (an McpAuthError would say it was never sent).
    const authorization = await target.auth?.authorization(run.attemptSignal).catch((error) => {
      if (run.attemptAbort?.aborted || run.aborted) throw run.explainAbort(error);
      throw resumptionRefused(401, run, failure, error);
    });
    const headers = Object.assign(requestHeaders(target, authorization), {
      accept: 'text/event-stream',
      'last-event-id': cursor.lastEventId ?? '',
    });
    const config: AxiosRequestConfig & SocketHook = {
      headers: withTraceHeaders(headers, attempt),
      responseType: 'stream',
      attemptAbort: run.attemptAbort,
      validateStatus: () => true,
    };
    const response = await this.http.get<Readable>(target.url, config).catch((error: unknown) => {
      if (run.attemptAbort?.aborted) throw run.explainAbort(error);
      return undefined;
    });
    return { response, authorization };
  }

  /**
   * The OAuth flow after a 401 to a resumption GET. The request is out and its answer still
   * being read, so the attempt's signal bounds the flow (its timeout, the budget, the caller's
   * abort), and one that ends it ends the call as it would the read: delivery unknown. A flow
   * that gets no token ends the resumption, the McpAuthError its cause.
   */
  private async renewToken(
    auth: ServerAuth,
    challenge: AuthChallenge,
    run: RetryRun,
    failure: FastMcpError,
  ): Promise<void> {
    try {
      await auth.onChallenge(challenge, run.attemptSignal);
    } catch (error) {
      if (run.attemptAbort?.aborted || run.aborted) throw run.explainAbort(error);
      throw resumptionRefused(401, run, failure, error);
    }
  }
}

/** True for a stream that ended or broke before its answer: what a resumption may mend. */
export function isStreamCut(error: unknown): error is McpTransportError {
  return isMcpTransportError(error) && error.failure === 'stream_cut';
}

/** A resumption GET the server answered with `status`: re-sending the request is what is left. */
function resumptionRefused(
  status: number,
  run: RetryRun,
  failure: FastMcpError,
  authFailure?: unknown,
): McpTransportError {
  // An McpAuthError's message is safe to show: it never quotes a token or a secret.
  const why = isMcpAuthError(authFailure) ? `: ${authFailure.message}` : '';
  return new McpTransportError(
    'stream_cut',
    `the server would not resume the stream (HTTP ${status})${why}`,
    { cause: authFailure ?? failure, clientId: run.clientId, operation: run.operation },
  );
}

/** The challenge of a resumption GET answered 401, with the Authorization header it carried. */
function challengeOf({ response, authorization }: SentGet): AuthChallenge {
  const wwwAuthenticate = wwwAuthenticateOf(response?.headers['www-authenticate']);
  return { status: 401, wwwAuthenticate, authorization };
}
