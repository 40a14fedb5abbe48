import type { Readable } from 'node:stream';
import { isAxiosError } from 'axios';
import {
  type FastMcpError,
  isFastMcpError,
  FastMcpError as BaseError,
} from '../errors/fastmcp.error.js';
import { type HttpJsonRpcError, McpHttpError } from '../errors/mcp-http.error.js';
import { isMcpTimeoutError, McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import { wwwAuthenticateOf } from '../auth/parse-challenge.js';
import { detachCause } from '../errors/detach-cause.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import type { RetryRun } from '../retry/retry-run.js';
import { releaseErrorBody } from './error-body-release.js';
import { type BodyText, ERROR_BODY_LIMIT, readBodyText } from './read-body.js';
import { redirectDetail } from './redirect-detail.js';
import { saysResetAfterSending } from './gateway-reset.js';
import { saysSessionGone } from './session-gone.js';
import type { UpstreamText } from './upstream-text.js';

/** The code of a JSON-RPC error at the start of a body too long to parse whole. */
const LEADING_CODE = /^\s*\{[^{]*"error"\s*:\s*\{\s*"code"\s*:\s*(-?\d+)\s*[,}]/;
/** How much of a retryable 503 is read to tell a gateway's reset (its words come first). */
const GATEWAY_TEXT_LIMIT = 4096;
/**
 * Connection failures that prove nothing was sent. Not EHOSTUNREACH or ENETUNREACH: Linux also
 * reports those when an established connection dies after an ICMP unreachable, perhaps after the
 * request was written (they count as not delivered only when it was not).
 */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Turns what axios threw into the module's typed error, with what it proves about delivery. */
export class AxiosErrorConverter {
  constructor(
    private readonly run: RetryRun,
    private readonly hadSession: boolean,
    private readonly retryableStatusCodes: readonly number[],
    private readonly upstream: UpstreamText,
  ) {}

  async convert(error: unknown): Promise<FastMcpError> {
    if (typeof error !== 'object' || error === null) return this.unknown(error);
    const explained = this.run.explainAbort(error);
    const written = requestWritten(error);
    if (explained !== error && isFastMcpError(explained)) {
      return isMcpTimeoutError(explained) && !written
        ? new McpTimeoutError(explained.scope, explained.timeoutMs, {
            clientId: this.run.clientId,
            operation: this.run.operation,
            delivery: 'not_delivered',
          })
        : explained;
    }
    if (isFastMcpError(error)) return error;
    if (!isAxiosError(error)) return this.unknown(error);
    const fields = {
      clientId: this.run.clientId,
      operation: this.run.operation,
      cause: detachCause(error, this.scrub),
    };
    const response = error.response;
    if (!response) {
      const code = error.code ?? 'ERR_NETWORK';
      const delivery = NEVER_CONNECTED.has(code) || !written ? 'not_delivered' : 'unknown';
      return new McpTransportError('network', `${code}: ${this.scrub(error.message)}`, {
        ...fields,
        delivery,
      });
    }
    const stream = response.data as Readable | undefined;
    const status = response.status;
    if (this.retryableStatusCodes.includes(status)) {
      const reset = await this.gatewaySaysReset(status, stream);
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.run.now());
      return new McpHttpError(status, {
        ...fields,
        retryAfterMs,
        ...(reset ? { delivery: 'unknown' as const } : {}),
      });
    }
    const unread: BodyText = { text: '', cut: false };
    let read: BodyText | undefined = unread;
    if (stream?.readable) {
      try {
        read = await readBodyText(stream, ERROR_BODY_LIMIT, this.run.attemptAbort);
      } catch (readError) {
        // The attempt's timeout or the caller's abort stopped the read: that is the failure.
        const stopped = this.run.explainAbort(readError);
        if (isFastMcpError(stopped)) return stopped;
        read = undefined;
      }
    }
    if (!read && !(this.hadSession && status === 404)) {
      // The answer broke off: what it said (an error, or a 2025-era refusal) is not known.
      return new McpTransportError('stream_cut', `the HTTP ${status} answer broke off`, {
        ...fields,
        status,
        delivery: 'unknown',
      });
    }
    const { text: body, cut } = read ?? unread;
    if (this.hadSession && saysSessionGone(status, body)) {
      return new McpTransportError('session_lost', `session lost (HTTP ${status})`, {
        ...fields,
        delivery: 'not_delivered',
      });
    }
    const challenge = response.headers['www-authenticate'] as unknown;
    return new McpHttpError(status, {
      ...fields,
      detail:
        redirectDetail(status, response.headers.location, error.config?.url, this.upstream) ??
        errorDetail(body, this.upstream),
      wwwAuthenticate: this.challengeText(wwwAuthenticateOf(challenge)),
      jsonRpc: cut ? leadingJsonRpcError(body) : jsonRpcError(body, this.upstream),
      bodyTruncated: cut,
    });
  }

  /**
   * Whether a retryable answer is a gateway's reset of a request it had sent on (see
   * saysResetAfterSending): only a 503's opening is read for it; any other body is let go unread.
   */
  private async gatewaySaysReset(status: number, stream: Readable | undefined): Promise<boolean> {
    if (status !== 503 || !stream?.readable) {
      releaseErrorBody(stream);
      return false;
    }
    const read = await readBodyText(stream, GATEWAY_TEXT_LIMIT, this.run.attemptAbort).catch(
      () => undefined,
    );
    releaseErrorBody(stream);
    return read !== undefined && saysResetAfterSending(status, read.text);
  }

  private unknown(error: unknown): FastMcpError {
    return new BaseError(`unexpected failure: ${this.scrub(String(error))}`, {
      clientId: this.run.clientId,
      operation: this.run.operation,
      cause: detachCause(error, this.scrub),
    });
  }

  /** This request's secrets (configured header values, the token) and credential shapes out. */
  private readonly scrub = (text: string): string => this.upstream.scrub(text);

  /** The challenge as the OAuth flow parses it, less any secret of the request it quotes. */
  private challengeText(header: string | undefined): string | undefined {
    return header === undefined ? undefined : this.upstream.scrubKnown(header);
  }
}

/**
 * True when the whole request was handed to the socket, so the server may have it. Node keeps a
 * request in its own buffer until the connection is up: a request still there was not sent.
 */
function requestWritten(error: object): boolean {
  const request = (error as { request?: { writableFinished?: boolean } }).request;
  return request?.writableFinished === true;
}

/** The JSON-RPC error of a body, scrubbed, when it is one; its code and data are kept whole. */
function jsonRpcError(body: string, upstream: UpstreamText): HttpJsonRpcError | undefined {
  try {
    const parsed = JSON.parse(body) as {
      error?: { code?: unknown; message?: unknown; data?: unknown };
    };
    const error = parsed.error;
    if (!error || typeof error.code !== 'number' || !Number.isInteger(error.code)) return undefined;
    const message = typeof error.message === 'string' ? upstream.excerpt(error.message, 200) : '';
    return error.data === undefined
      ? { code: error.code, message }
      : { code: error.code, message, data: upstream.scrubJson(error.data) };
  } catch {
    return undefined;
  }
}

/**
 * The JSON-RPC error of a body cut at the limit: its code when the body opens with one (message and
 * data are lost with the cut), so a modern server's long error is not taken for a 2025-era answer.
 */
function leadingJsonRpcError(body: string): HttpJsonRpcError | undefined {
  const code = LEADING_CODE.exec(body)?.[1];
  return code === undefined || !Number.isSafeInteger(Number(code))
    ? undefined
    : { code: Number(code), message: '' };
}

/**
 * A short, safe summary of an error body: the JSON-RPC error message if there is one, scrubbed
 * of the request's secrets (a server may repeat its headers) before it is cut short.
 */
function errorDetail(body: string, upstream: UpstreamText): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    const message = parsed.error?.message;
    if (typeof message === 'string') return upstream.excerpt(message, 200);
  } catch {
    // not JSON: fall through to the raw text
  }
  return upstream.excerpt(text, 200);
}
