// The module's axios adapter against a real node:http server on 127.0.0.1: what axios's own
// http adapter did for the transport, it still does.
import { Agent } from 'node:http';
import type { Readable } from 'node:stream';
import axios, { type AxiosAdapter, CanceledError, isAxiosError } from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  leanHttpAdapter,
  type SocketHook,
} from '../../libs/fastmcp/src/transport/lean-http.adapter.js';
import {
  SocketWatch,
  SocketWatchingHttpAgent,
  watchedFallback,
} from '../../libs/fastmcp/src/transport/socket-watch.js';
import { readAll, type SeenRequest, serveAdapterRoutes } from '../support/adapter-test-server.js';
import { type LoopbackServer, serveOnLoopback } from '../support/loopback-server.js';

describe('leanHttpAdapter', () => {
  let server: LoopbackServer;
  let url: string;
  const seen: SeenRequest[] = [];
  const fallbacks: string[] = [];
  const agent = new Agent({ keepAlive: true });
  const fallback: AxiosAdapter = (config) => {
    fallbacks.push(String(config.url));
    return axios.getAdapter('http')(config);
  };
  const http = axios.create({
    adapter: leanHttpAdapter(fallback),
    httpAgent: agent,
    maxRedirects: 0,
  });
  const stream = { responseType: 'stream' } as const;

  beforeAll(async () => {
    server = await serveAdapterRoutes(seen);
    url = `http://127.0.0.1:${server.port}`;
  });

  afterEach(() => {
    seen.length = 0;
    fallbacks.length = 0;
  });

  afterAll(async () => {
    agent.destroy();
    await server.close();
  });

  it('sends headers and body in one request and answers with a stream and its headers', async () => {
    const response = await http.post<Readable>(`${url}/echo`, '{"a":1}', {
      ...stream,
      headers: { 'content-type': 'application/json', 'mcp-session-id': 'abc' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['mcp-session-id']).toBe('s-1');
    expect(await readAll(response.data)).toBe('echo:{"a":1}');
    expect(seen[0]).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: {
        'content-type': 'application/json',
        'mcp-session-id': 'abc',
        'content-length': '7',
        'accept-encoding': 'gzip, br',
      },
    });
    expect(fallbacks).toEqual([]);
  });

  it('decompresses a gzip answer', async () => {
    const response = await http.get<Readable>(`${url}/gzip`, stream);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(await readAll(response.data)).toBe('{"ok":true}');
  });

  it('rejects a refused status as axios does: an AxiosError with the response and its stream', async () => {
    const error = await http.post(`${url}/busy`, 'x', stream).catch((e: unknown) => e);
    expect(isAxiosError(error)).toBe(true);
    if (!isAxiosError(error)) return;
    expect(error.code).toBe('ERR_BAD_RESPONSE');
    expect(error.response?.status).toBe(503);
    expect(error.response?.headers['retry-after']).toBe('2');
    expect(await readAll(error.response?.data as Readable)).toBe('busy');
    const accepted = await http.post(`${url}/busy`, 'x', { ...stream, validateStatus: () => true });
    expect(accepted.status).toBe(503);
    (accepted.data as Readable).resume();
  });

  it('cancels by signal, before and during the request', async () => {
    const before = await http
      .get(`${url}/echo`, { ...stream, signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(before).toBeInstanceOf(CanceledError);
    const controller = new AbortController();
    const response = await http.get<Readable>(`${url}/hang`, {
      ...stream,
      signal: controller.signal,
    });
    const reading = readAll(response.data).catch((e: unknown) => e);
    controller.abort();
    expect(await reading).toBeInstanceOf(Error);
  });

  it('fails a refused connection with the socket error code', async () => {
    const closed = await serveOnLoopback(() => Promise.resolve());
    await closed.close();
    const error = await http
      .post(`http://127.0.0.1:${closed.port}/`, 'x', stream)
      .catch((e: unknown) => e);
    expect(isAxiosError(error) && error.code).toBe('ECONNREFUSED');
  });

  it("leaves to axios's http adapter what it does not do: other response types, redirects, proxies", async () => {
    const json = await http.post<string>(`${url}/echo`, 'plain', { responseType: 'text' });
    expect(json.data).toBe('echo:plain');
    await http
      .get(`${url}/echo`, { ...stream, maxRedirects: 5 })
      .then((r) => (r.data as Readable).resume());
    vi.stubEnv('HTTP_PROXY', 'http://127.0.0.1:9');
    try {
      const proxied = await http.get(`${url}/echo`, { ...stream, proxy: false });
      (proxied.data as Readable).resume();
      await http.get(`${url}/echo`, stream).catch(() => undefined);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(fallbacks).toEqual([`${url}/echo`, `${url}/echo`, `${url}/echo`]);
  });

  it("tells a request when it gets its socket, on its own path and through axios's adapter", async () => {
    const watch = new SocketWatch();
    const watchingAgent = new SocketWatchingHttpAgent({ keepAlive: true }, watch);
    const watched = axios.create({
      adapter: leanHttpAdapter(watchedFallback(watch, axios.getAdapter('http'))),
      httpAgent: watchingAgent,
      maxRedirects: 0,
    });
    try {
      const sockets: string[] = [];
      const lean: SocketHook & { responseType: 'stream' } = {
        ...stream,
        onSocket: () => sockets.push('lean'),
      };
      await watched.get<Readable>(`${url}/echo`, lean).then((r) => r.data.resume());
      const viaAxios: SocketHook & { responseType: 'text' } = {
        responseType: 'text',
        onSocket: () => sockets.push('axios'),
      };
      await watched.get(`${url}/echo`, viaAxios);
      expect(sockets).toEqual(['lean', 'axios']);
    } finally {
      watchingAgent.destroy();
    }
  });
});
