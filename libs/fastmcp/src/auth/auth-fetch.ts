import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import { environmentNamesProxy } from '../transport/environment-proxy.js';

/**
 * Largest OAuth response body read (metadata, token, registration, error). Real ones are a few
 * KiB; 1 MiB leaves room for large JWKS-style documents while bounding memory per request.
 */
export const MAX_OAUTH_RESPONSE_BYTES = 1024 * 1024;

/** An OAuth response body over MAX_OAUTH_RESPONSE_BYTES (by Content-Length or as read). */
export class OAuthResponseTooLargeError extends Error {
  override readonly name = 'OAuthResponseTooLargeError';

  constructor(readonly origin: string) {
    super(`the response from ${origin} was too large (over ${MAX_OAUTH_RESPONSE_BYTES} bytes)`);
  }
}

/** A request of the OAuth flow to an origin it may not reach (nothing was sent). */
export class OAuthOriginRefusedError extends Error {
  override readonly name = 'OAuthOriginRefusedError';

  constructor(readonly origin: string) {
    super(
      `refused to fetch ${origin}: not the origin of the MCP server, the issuer or the token ` +
        "endpoint the issuer's metadata names",
    );
  }
}

export interface AuthFetchOptions {
  /** Timeout of each request, in ms. */
  timeoutMs: number;
  /**
   * Origins the flow may reach, read on each request (the list may grow); every request
   * elsewhere is refused. Default: any.
   */
  allowedOrigins?: readonly string[];
}

/**
 * `fetch` for the OAuth flow: each request bounded by `timeoutMs` (no hang on a silent server)
 * and its body by MAX_OAUTH_RESPONSE_BYTES, and only to `allowedOrigins` when given.
 */
export function fetchWithTimeout({ timeoutMs, allowedOrigins }: AuthFetchOptions): FetchLike {
  const send = environmentFetch();
  return async (url, init) => {
    const origin = new URL(url).origin;
    if (allowedOrigins && !allowedOrigins.includes(origin)) {
      throw new OAuthOriginRefusedError(origin);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return capped(await send(url, { ...init, signal }), origin);
  };
}

/**
 * Node's `fetch`, or, when the environment names a proxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY...),
 * undici's over a proxy agent that reads them: the MCP requests (through axios) already go that
 * way, and Node's own `fetch` ignores those variables.
 */
function environmentFetch(): FetchLike {
  if (!environmentNamesProxy()) return fetch;
  const env = process.env;
  const all = env.all_proxy ?? env.ALL_PROXY;
  const dispatcher = new EnvHttpProxyAgent({
    // ALL_PROXY as axios reads it (undici alone does not).
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? all,
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? all,
    // Plain http: requests in absolute form, as axios sends them (https: is tunnelled either way).
    proxyTunnel: false,
  });
  return (url, init) =>
    undiciFetch(url, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    });
}

/**
 * `fetchFn` whose every request (and the reading of its body) also stops when `signal` aborts,
 * but a token request that spends a one-time credential: a rotating refresh token or a code is
 * used up once the server has it, so its answer (the new refresh token) must be read and saved
 * whoever still waits. Stopped, the old one was sent again, and a server that detects the reuse
 * revokes the whole grant. `fetchFn`'s own timeout still bounds it.
 */
export function fetchUntil(signal: AbortSignal, fetchFn: FetchLike): FetchLike {
  return (url, init) =>
    spendsCredential(init)
      ? fetchFn(url, init)
      : fetchFn(url, {
          ...init,
          signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
        });
}

function spendsCredential(init: RequestInit | undefined): boolean {
  const body = init?.body;
  if (!(body instanceof URLSearchParams) && typeof body !== 'string') return false;
  const grant = new URLSearchParams(body).get('grant_type');
  return grant === 'refresh_token' || grant === 'authorization_code';
}

function capped(response: Response, origin: string): Response {
  if (!response.body) return response;
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_OAUTH_RESPONSE_BYTES) {
    void response.body.cancel().catch(() => undefined);
    throw new OAuthResponseTooLargeError(origin);
  }
  let read = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      read += chunk.byteLength;
      if (read > MAX_OAUTH_RESPONSE_BYTES) controller.error(new OAuthResponseTooLargeError(origin));
      else controller.enqueue(chunk);
    },
  });
  const body = response.body.pipeThrough(counter);
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // The SDK reads `url` to name an unfollowed redirect's source.
  Object.defineProperty(copy, 'url', { value: response.url });
  return copy;
}
