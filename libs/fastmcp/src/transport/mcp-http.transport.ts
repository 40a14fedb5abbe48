import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { AxiosHeaders, type AxiosResponse } from 'axios';
import axiosRetry, { type IAxiosRetryConfig } from 'axios-retry';
import type { JSONRPCNotification, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { isMcpAbortedError } from '../errors/mcp-aborted.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpTimeoutError } from '../errors/mcp-timeout.error.js';
import { isMcpTransportError, McpTransportError } from '../errors/mcp-transport.error.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import type { RetryRun } from '../retry/retry-run.js';
import { AxiosErrorConverter } from './axios-error.converter.js';
import type { HttpTarget, TransportResponse } from './http-target.interface.js';
import { jsonRpcNotification, jsonRpcRequest, matchResponse, parseMessages } from './jsonrpc.js';
import { readBodyText } from './read-body.js';
import { releaseStream } from './release-stream.js';
import { requestHeaders } from './request-headers.js';
import { readSseResponse } from './sse-response.reader.js';

const JSON_BODY_LIMIT = 32 * 1024 * 1024;
const NOTIFICATION_TIMEOUT_MS = 5000;

/**
 * MCP Streamable HTTP over the module's axios instance: one JSON-RPC message per POST, the
 * answer read as JSON or as an SSE stream. axios-retry drives the HTTP attempts; every decision
 * (what retries, how long to wait, when to stop) is the RetryRun's, handed over through its hooks.
 */
@Injectable()
export class McpHttpTransport {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });
  private requestIds = 0;

  constructor(@Inject(HttpService) private readonly http: HttpService) {
    const axios = http.axiosRef;
    axios.defaults.httpAgent = this.httpAgent;
    axios.defaults.httpsAgent = this.httpsAgent;
    axiosRetry(axios, { retries: 0 });
  }

  /** Sends a request and returns the result of its response, retrying under `run`. */
  async request(
    target: HttpTarget,
    method: string,
    params: Record<string, unknown> | undefined,
    run: RetryRun,
  ): Promise<TransportResponse> {
    const converter = new AxiosErrorConverter(
      run,
      target.sessionId !== undefined,
      run.retryableStatusCodes,
    );
    // A retry is a new request for the server: it gets a fresh id, and the old one is cancelled.
    let message = jsonRpcRequest(this.nextRequestId(), method, params);
    const retryConfig: IAxiosRetryConfig = {
      retries: run.policy.maxRetries,
      retryDelay: () => 0,
      shouldResetTimeout: true,
      retryCondition: async (error) => {
        const failure = await converter.convert(error);
        // A lost session needs a new handshake first: the operation layer handles it.
        if (isMcpTransportError(failure) && failure.failure === 'session_lost') return false;
        return run.canRetry(failure);
      },
      onRetry: async (_count, error, config) => {
        const failure = await converter.convert(error);
        this.cancelIfInterrupted(target, message, failure);
        await run.waitBeforeRetry(failure);
        message = jsonRpcRequest(this.nextRequestId(), method, params);
        const body = JSON.stringify(message);
        config.data = body;
        // axios wrote the first body's Content-Length into these headers and never rewrites it;
        // a new id can change the length (9 -> 10), so set the new body's length.
        config.headers = AxiosHeaders.from(config.headers as AxiosHeaders | undefined).set(
          'Content-Length',
          Buffer.byteLength(body),
        );
        config.signal = run.beginAttempt();
      },
    };
    let response: AxiosResponse<Readable>;
    try {
      response = await this.http.axiosRef.post<Readable>(target.url, JSON.stringify(message), {
        headers: requestHeaders(target),
        responseType: 'stream',
        signal: run.beginAttempt(),
        'axios-retry': retryConfig,
      });
    } catch (error) {
      const failure = run.isFinal(error) ? error : await converter.convert(error);
      this.cancelIfInterrupted(target, message, failure);
      throw failure;
    }
    const sessionId = headerValue(response.headers['mcp-session-id']);
    try {
      const result = await this.readResult(response, message.id, run.attemptSignal);
      return { result, sessionId };
    } catch (error) {
      const failure = run.explainAbort(error);
      this.cancelIfInterrupted(target, message, failure);
      throw failure;
    }
  }

  /** Sends a notification once; the server answers 202 Accepted. */
  async notify(
    target: HttpTarget,
    message: JSONRPCNotification,
    signal?: AbortSignal,
  ): Promise<void> {
    const timeout = AbortSignal.timeout(NOTIFICATION_TIMEOUT_MS);
    const response = await this.http.axiosRef
      .post<Readable>(target.url, JSON.stringify(message), {
        headers: requestHeaders(target),
        responseType: 'stream',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        validateStatus: () => true,
      })
      .catch((error: unknown) => {
        const code = (error as { code?: string }).code ?? 'ERR_NETWORK';
        throw new McpTransportError('network', `${code}: ${message.method} not delivered`, {
          cause: error,
        });
      });
    releaseStream(response.data);
    if (response.status === 404 && target.sessionId) {
      throw new McpTransportError('session_lost', `session lost (HTTP 404 to ${message.method})`);
    }
    if (response.status >= 300) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
      throw new McpHttpError(response.status, { retryAfterMs });
    }
  }

  /** Ends a session with HTTP DELETE; a server that does not allow it (405) is fine. */
  async terminate(target: HttpTarget): Promise<void> {
    const response = await this.http.axiosRef.delete<Readable>(target.url, {
      headers: requestHeaders(target),
      responseType: 'stream',
      signal: AbortSignal.timeout(NOTIFICATION_TIMEOUT_MS),
      validateStatus: () => true,
    });
    releaseStream(response.data);
  }

  private nextRequestId(): number {
    this.requestIds += 1;
    return this.requestIds;
  }

  /** Tells the server to stop work on a request we stopped waiting for (not `initialize`). */
  private cancelIfInterrupted(target: HttpTarget, message: JSONRPCRequest, failure: unknown): void {
    const interrupted = isMcpTimeoutError(failure) || isMcpAbortedError(failure);
    if (!interrupted || message.method === 'initialize') return;
    const reason = isMcpTimeoutError(failure) ? 'timeout' : 'aborted by the caller';
    const cancelled = jsonRpcNotification('notifications/cancelled', {
      requestId: message.id,
      reason,
    });
    this.notify(target, cancelled).catch(() => undefined);
  }

  /** Closes the keep-alive sockets; the client service calls it after ending its sessions. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async readResult(
    response: AxiosResponse<Readable>,
    id: JSONRPCRequest['id'],
    signal: AbortSignal | undefined,
  ): Promise<Record<string, unknown>> {
    const stream = response.data;
    const onAbort = (): void => {
      stream.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const type = headerValue(response.headers['content-type']) ?? '';
      if (type.includes('text/event-stream')) return await readSseResponse(stream, id);
      const text = await readBodyText(stream, JSON_BODY_LIMIT).catch((error: unknown) => {
        throw new McpTransportError('stream_cut', 'response body broke before it ended', {
          cause: error,
        });
      });
      for (const message of parseMessages(text)) {
        const match = matchResponse(message, id);
        if (match) return match.result;
      }
      throw new McpProtocolError(-32603, `no response with id ${String(id)} in the answer`);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function headerValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return headerValue(value[0]);
  return typeof value === 'string' ? value : undefined;
}
