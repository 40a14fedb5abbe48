import type { Agent } from 'node:http';
import type { Readable } from 'node:stream';
import {
  type AxiosAdapter,
  AxiosError,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { Dispatcher } from 'undici';
import { isPlainRequest, plainHeaders, settleAnswer } from './adapter-answer.js';
import { abortOf } from './attempt-abort.js';
import type { SocketHook } from './lean-http.adapter.js';
import type { OriginPools } from './origin-pools.js';
import { UndiciAnswerHandler } from './undici-answer.handler.js';

/** Where a request goes on its origin's pool. */
interface Route {
  origin: string;
  path: string;
  /** Basic credentials from the URL's userinfo, sent when no `authorization` is given (as node:http does). */
  basic?: string;
}

const PLAIN_HTTP = /^http:\/\//i;
const MAX_ROUTES = 256;

/**
 * The module's axios adapter for plain `http:` requests: one request dispatched on the origin's
 * undici `Pool` (keep-alive connections, headers and body written together), the answer handed
 * over as a stream. axios itself (interceptors, `validateStatus`, AxiosError, cancellation) is
 * kept. Anything else (`https:`, another agent than the module's, or what the lean
 * adapters never do: redirects, proxies, other response types) goes to `fallback`.
 */
export function undiciAdapter(
  pools: OriginPools,
  moduleAgent: Agent,
  fallback: AxiosAdapter,
): AxiosAdapter {
  const routes = new Map<string, Route>();
  const routeOf = (url: string): Route => {
    let route = routes.get(url);
    if (!route) {
      const parsed = new URL(url);
      route = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (parsed.username || parsed.password) {
        const userinfo = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
        route.basic = `Basic ${Buffer.from(userinfo).toString('base64')}`;
      }
      if (routes.size >= MAX_ROUTES) routes.clear();
      routes.set(url, route);
    }
    return route;
  };
  return (config) =>
    config.httpAgent === moduleAgent && isPlainRequest(config) && PLAIN_HTTP.test(config.url ?? '')
      ? send(config, pools, routeOf(config.url as string))
      : fallback(config);
}

function send(
  config: InternalAxiosRequestConfig,
  pools: OriginPools,
  route: Route,
): Promise<AxiosResponse<Readable>> {
  return new Promise((resolve, reject) => {
    const signal = abortOf(config);
    if (signal?.aborted) {
      reject(new CanceledError(undefined, config));
      return;
    }
    const body = config.data as string | Buffer | undefined;
    const onAbort = (): void => {
      const canceled = new CanceledError(undefined, config, handler);
      handler.stop(canceled);
      reject(canceled);
    };
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    const handler: UndiciAnswerHandler = new UndiciAnswerHandler({
      onSocket: (config as SocketHook).onSocket,
      onHead: (head) => {
        // The request is over with its raw body; a decoder has its own tie to the abort.
        head.body.once('close', done);
        settleAnswer(config, handler, head, resolve, reject);
      },
      onFailure: (error) => {
        done();
        reject(AxiosError.from(error, undefined, config, handler));
      },
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    const headers = plainHeaders(config, body);
    if (
      route.basic &&
      !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')
    ) {
      headers.authorization = route.basic;
    }
    const options: Dispatcher.DispatchOptions = {
      path: route.path,
      method: (config.method ?? 'get').toUpperCase(),
      headers,
      body: body ?? null,
    };
    pools.get(route.origin).dispatch(options, handler);
  });
}
