import {
  type Agent,
  type ClientRequest,
  type IncomingMessage,
  request as httpRequest,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import { createBrotliDecompress, createUnzip } from 'node:zlib';
import axios, {
  type AxiosAdapter,
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  CanceledError,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios';

/** A request's own hook, called when it gets its socket (it leaves the agent's queue). */
export interface SocketHook {
  onSocket?: () => void;
}

const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
];
const ABSOLUTE_HTTP = /^https?:\/\//i;

/**
 * The module's axios adapter: one `node:http(s)` request over the configured agents, written in
 * one go (`end(body)`: headers and body in one packet), the answer handed over as a stream.
 * axios itself (interceptors, `validateStatus`, AxiosError, cancellation by `signal`) is kept;
 * what it skips of axios's own http adapter (redirects, proxies, upload progress, body
 * transforms) the module never uses, and a request that asks for any of it, or that could meet
 * a proxy from the environment, goes through axios's http adapter as before.
 */
export function leanHttpAdapter(fallback: AxiosAdapter = getAdapter('http')): AxiosAdapter {
  return (config) => (isLean(config) ? send(config) : fallback(config));
}

function isLean(config: InternalAxiosRequestConfig): boolean {
  const data: unknown = config.data;
  return (
    config.responseType === 'stream' &&
    config.maxRedirects === 0 &&
    !config.timeout &&
    config.params === undefined &&
    config.baseURL === undefined &&
    config.auth === undefined &&
    config.socketPath == null &&
    config.onUploadProgress === undefined &&
    config.onDownloadProgress === undefined &&
    config.maxRate === undefined &&
    typeof config.url === 'string' &&
    ABSOLUTE_HTTP.test(config.url) &&
    (data === undefined || typeof data === 'string' || Buffer.isBuffer(data)) &&
    (config.proxy === false || !PROXY_VARIABLES.some((name) => process.env[name]))
  );
}

function send(config: InternalAxiosRequestConfig): Promise<AxiosResponse<Readable>> {
  return new Promise((resolve, reject) => {
    const signal = config.signal as AbortSignal | undefined;
    if (signal?.aborted) {
      reject(new CanceledError(undefined, config));
      return;
    }
    const target = targetOf(config.url as string);
    const body = config.data as string | Buffer | undefined;
    const req: ClientRequest = (target.https ? httpsRequest : httpRequest)({
      ...target.options,
      method: (config.method ?? 'get').toUpperCase(),
      headers: requestHeaders(config, body),
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
      res.once('close', done);
      settle(config, req, res, resolve, reject);
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

function requestHeaders(
  config: InternalAxiosRequestConfig,
  body: string | Buffer | undefined,
): Record<string, string | string[]> {
  const plain: Record<string, string | string[]> = {};
  let agent = false;
  let encoding = false;
  for (const [name, value] of Object.entries(config.headers.toJSON())) {
    if (value === undefined || value === null) continue;
    plain[name] = Array.isArray(value) ? value.map(String) : String(value);
    const lower = name.toLowerCase();
    agent ||= lower === 'user-agent';
    encoding ||= lower === 'accept-encoding';
  }
  if (!agent) plain['user-agent'] = `axios/${axios.VERSION}`;
  if (!encoding) plain['accept-encoding'] = 'gzip, br';
  if (body !== undefined) plain['content-length'] = String(Buffer.byteLength(body));
  return plain;
}

/** Resolves with the answer, or rejects as axios does when `validateStatus` refuses it. */
function settle(
  config: InternalAxiosRequestConfig,
  req: ClientRequest,
  res: IncomingMessage,
  resolve: (response: AxiosResponse<Readable>) => void,
  reject: (error: unknown) => void,
): void {
  const status = res.statusCode ?? 0;
  const response: AxiosResponse<Readable> = {
    data: decoded(config, res),
    status,
    statusText: res.statusMessage ?? '',
    headers: new AxiosHeaders(res.headers as Record<string, string>),
    config,
    request: req,
  };
  const validate = config.validateStatus;
  if (!status || !validate || validate(status)) {
    resolve(response);
    return;
  }
  const code = status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
  reject(new AxiosError(`Request failed with status code ${status}`, code, config, req, response));
}

/** The body, decompressed when the server compressed it (as axios's adapter does). */
function decoded(config: InternalAxiosRequestConfig, res: IncomingMessage): Readable {
  const encoding = res.headers['content-encoding']?.toLowerCase();
  if (!encoding || config.decompress === false || res.statusCode === 204) return res;
  const decoder = ['gzip', 'x-gzip', 'deflate'].includes(encoding)
    ? createUnzip()
    : encoding === 'br'
      ? createBrotliDecompress()
      : undefined;
  if (!decoder) return res;
  delete res.headers['content-encoding'];
  res.once('error', (error) => decoder.destroy(error));
  decoder.once('close', () => res.destroy());
  return res.pipe(decoder);
}
