import type { Readable } from 'node:stream';
import type { HttpService } from '@nestjs/axios';
import type { AxiosResponse } from 'axios';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import { type ClientEnvelope, standardHeaders, withEnvelope } from '../protocol/modern-envelope.js';
import type { ServerMessageDispatcher } from '../protocol/server-message.dispatcher.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import { releaseErrorBody } from '../transport/error-body-release.js';
import { sendWithOneChallenge } from '../transport/one-challenge.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { jsonRpcRequest } from '../transport/jsonrpc.js';
import { requestHeaders } from '../transport/request-headers.js';
import type { ResponseBudget } from '../transport/response-budget.js';
import { readResponse } from '../transport/response-reader.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { type ListenFilter, listenFilterOf } from './listen-filter.js';

const LISTEN_METHOD = 'subscriptions/listen';
const ACKNOWLEDGED_METHOD = 'notifications/subscriptions/acknowledged';

/** What a subscription stream needs besides its target. */
export interface SubscriptionStreamDeps {
  http: HttpService;
  dispatcher: ServerMessageDispatcher;
  budget: ResponseBudget;
  client: ClientEnvelope;
}

/** How a stream ended: with the server's result (it closed it), or cut or refused. */
export type StreamEnd = 'complete' | 'broken';

let listenRequests = 0;

/**
 * One 2026-07-28 `subscriptions/listen` request and the stream that answers it. The server's
 * `notifications/subscriptions/acknowledged` settles `acknowledged` with the filter it honours;
 * the notifications after it go to the dispatcher (a request on the stream is dropped, as on any
 * modern stream). A refusal (an HTTP error, a JSON-RPC error, a stream that ends first) rejects
 * `acknowledged`. A 401 runs the OAuth flow and sends the request once more.
 */
export class SubscriptionStream {
  readonly acknowledged: Promise<ListenFilter>;
  readonly ended: Promise<StreamEnd>;
  private readonly controller = new AbortController();
  private readonly id = `listen-${++listenRequests}`;

  constructor(
    private readonly deps: SubscriptionStreamDeps,
    private readonly target: HttpTarget,
    private readonly clientId: string,
    private readonly filter: ListenFilter,
  ) {
    let acknowledge!: (filter: ListenFilter) => void;
    let refuse!: (error: unknown) => void;
    this.acknowledged = new Promise<ListenFilter>((resolve, reject) => {
      acknowledge = resolve;
      refuse = reject;
    });
    this.acknowledged.catch(() => undefined);
    this.ended = this.listen(acknowledge, refuse);
  }

  /** Ends the subscription: on HTTP, closing its stream is the cancellation. */
  close(): void {
    this.controller.abort();
  }

  private async listen(
    acknowledge: (filter: ListenFilter) => void,
    refuse: (error: unknown) => void,
  ): Promise<StreamEnd> {
    const { signal } = this.controller;
    try {
      const response = await this.open(signal);
      const upstream = new UpstreamText(this.target);
      const context = { clientId: this.clientId, signal, handling: new Map(), upstream };
      const sink = (message: JSONRPCMessage): void => {
        if ('method' in message && message.method === ACKNOWLEDGED_METHOD) {
          acknowledge(listenFilterOf(message.params?.notifications));
          return;
        }
        this.deps.dispatcher.dispatch(message, context);
      };
      const meter = this.deps.budget.meter(this.target, { clientId: this.clientId });
      try {
        await readResponse(response, this.id, sink, {}, meter, signal, upstream);
      } finally {
        meter.release();
      }
      refuse(new McpProtocolError(-32603, `${LISTEN_METHOD} ended before it was acknowledged`));
      return 'complete';
    } catch (error) {
      refuse(error);
      return 'broken';
    }
  }

  private async open(signal: AbortSignal): Promise<AxiosResponse<Readable>> {
    const { response } = await sendWithOneChallenge(this.target, () => this.post(signal), signal);
    if (response.status === 200) return response;
    releaseErrorBody(response.data);
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
    throw new McpHttpError(response.status, { retryAfterMs, clientId: this.clientId });
  }

  private async post(
    signal: AbortSignal,
  ): Promise<{ response: AxiosResponse<Readable>; authorization?: string }> {
    const { target } = this;
    const version = target.protocolVersion ?? '';
    const authorization = await target.auth?.authorization(signal);
    const params = withEnvelope({ notifications: this.filter }, version, this.deps.client);
    const headers = Object.assign(
      requestHeaders(target, authorization),
      standardHeaders(LISTEN_METHOD, params, version),
    );
    const body = JSON.stringify(jsonRpcRequest(this.id, LISTEN_METHOD, params));
    const response = await this.deps.http.axiosRef
      .post<Readable>(target.url, body, {
        headers,
        responseType: 'stream',
        signal,
        validateStatus: () => true,
      })
      .catch(() => {
        throw new McpTransportError('network', `${LISTEN_METHOD} could not be sent`, {
          clientId: this.clientId,
          delivery: 'not_delivered',
        });
      });
    return { response, authorization };
  }
}
