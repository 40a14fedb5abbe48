import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import axios, {
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { decodedBody } from './decoded-body.js';
import { environmentNamesProxy } from './environment-proxy.js';

/** What the module's adapters know of an answer once its head is in. */
export interface AnswerHead {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Readable;
}

const ABSOLUTE_HTTP = /^https?:\/\//i;

/**
 * A request the module's lean adapters send themselves: a streamed answer, no redirects, no
 * proxy, no axios timeout or params, a string or Buffer body. Anything else goes to axios's
 * own http adapter.
 */
export function isPlainRequest(config: InternalAxiosRequestConfig): boolean {
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
    (config.proxy === false || !environmentNamesProxy())
  );
}

/** The request's headers as a plain object, with axios's user agent and encodings by default. */
export function plainHeaders(
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
export function settleAnswer(
  config: InternalAxiosRequestConfig,
  request: unknown,
  head: AnswerHead,
  resolve: (response: AxiosResponse<Readable>) => void,
  reject: (error: unknown) => void,
): void {
  const { status } = head;
  const response: AxiosResponse<Readable> = {
    data: decodedBody(config, head),
    status,
    statusText: head.statusText,
    headers: new AxiosHeaders(head.headers as Record<string, string>),
    config,
    request,
  };
  const validate = config.validateStatus;
  if (!status || !validate || validate(status)) {
    resolve(response);
    return;
  }
  const code = status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
  reject(
    new AxiosError(`Request failed with status code ${status}`, code, config, request, response),
  );
}
