import {
  type Agent,
  type ClientRequest,
  request as httpRequest,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import {
  type AxiosAdapter,
  AxiosError,
  type AxiosResponse,
  CanceledError,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { AbortHandle } from '../retry/abort-handle.js';
import { isPlainRequest, plainHeaders, settleAnswer } from './adapter-answer.js';
import { abortOf, signalledFallback } from './attempt-abort.js';

/** A request's own hooks, beside axios's config. */
export interface SocketHook {
  /** Called when the request gets its socket (it leaves the agent's queue). */
  onSocket?: () => void;
  /** Its attempt's abort, listened to in place of an AbortSignal (see AbortHandle). */
  attemptAbort?: AbortHandle;
}

/**
 * The module's axios adapter: one `node:http(s)` request over the configured agents, written in
 * one go (`end(body)`: headers and body in one packet), the answer handed over as a stream.
 * axios itself (interceptors, `validateStatus`, AxiosError, cancellation) is kept;
 * what it skips of axios's own http adapter (redirects, proxies, upload progress, body
 * transforms) the module never uses, and a request that asks for any of it, or that could meet
 * a proxy from the environment, goes through axios's http adapter as before.
 */
export function leanHttpAdapter(
  fallback: AxiosAdapter = signalledFallback(getAdapter('http')),
): AxiosAdapter {
  return (config) => (isPlainRequest(config) ? send(config) : fallback(config));
}

function send(config: InternalAxiosRequestConfig): Promise<AxiosResponse<Readable>> {
  return new Promise((resolve, reject) => {
    const signal = abortOf(config);
    if (signal?.aborted) {
      reject(new CanceledError(undefined, config));
      return;
    }
    const target = targetOf(config.url as string);
    const body = config.data as string | Buffer | undefined;
    const req: ClientRequest = (target.https ? httpsRequest : httpRequest)({
      ...target.options,
      method: (config.method ?? 'get').toUpperCase(),
      headers: plainHeaders(config, body),
      agent: (target.https ? config.httpsAgent : config.httpAgent) as Agent | undefined,
    });
    const onAbort = (): void => {
      req.destroy();
      reject(new CanceledError(undefined, config, req));
    };
    const onSocket = (config as SocketHook).onSocket;
    if (onSocket) req.once('socket', onSocket);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    req.once('error', (error) => {
      done();
      reject(AxiosError.from(error, undefined, config, req));
    });
    req.once('response', (res) => {
      // The request is over with its raw body; a decoder has its own tie to the abort.
      res.once('close', done);
      const head = {
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        body: res,
      };
      settleAnswer(config, req, head, resolve, reject);
    });
    req.end(body);
  });
}

interface Target {
  https: boolean;
  options: RequestOptions;
}

/** Parsed URLs of the servers called (a handful): a request does not parse its URL again. */
const targets = new Map<string, Target>();
const MAX_TARGETS = 256;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { https: parsed.protocol === 'https:', options: urlToHttpOptions(parsed) };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}
