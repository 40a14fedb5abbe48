// The module's undici adapter against a real node:http server on 127.0.0.1: what the lean
// node:http adapter does for the transport, it does too, and it hands the rest on.
import { Agent } from 'node:http';
import type { Readable } from 'node:stream';
import axios, { type AxiosAdapter, CanceledError, isAxiosError } from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SocketHook } from '../../libs/fastmcp/src/transport/lean-http.adapter.js';
import { OriginPools } from '../../libs/fastmcp/src/transport/origin-pools.js';
import { undiciAdapter } from '../../libs/fastmcp/src/transport/undici.adapter.js';
import { readAll, type SeenRequest, serveAdapterRoutes } from '../support/adapter-test-server.js';
import { type LoopbackServer, serveOnLoopback } from '../support/loopback-server.js';

describe('undiciAdapter', () => {
  let server: LoopbackServer;
  let url: string;
  const seen: SeenRequest[] = [];
  const fallbacks: string[] = [];
  const agent = new Agent({ keepAlive: true });
  const pools = new OriginPools();
  const fallback: AxiosAdapter = (config) => {
    fallbacks.push(String(config.url));
    return axios.getAdapter('http')(config);
  };
  const http = axios.create({
    adapter: undiciAdapter(pools, agent, fallback),
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
    await pools.close();
    await server.close();
  });

  it('sends headers and body in one request and answers with a stream and its headers', async () => {
    const response = await http.post<Readable>(`${url}/echo?q=1`, '{"a":1}', {
      ...stream,
      headers: { 'content-type': 'application/json', 'mcp-session-id': 'abc' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['mcp-session-id']).toBe('s-1');
    expect(await readAll(response.data)).toBe('echo:{"a":1}');
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/echo?q=1',
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

  it("sends a URL's credentials as Basic authorization, unless one is given", async () => {
    const withUser = url.replace('http://', 'http://svc%40x:p%3Ass@');
    await http.post<Readable>(`${withUser}/echo`, 'x', stream).then((r) => r.data.resume());
    await http
      .post<Readable>(`${withUser}/echo`, 'x', {
        ...stream,
        headers: { Authorization: 'Bearer t' },
      })
      .then((r) => r.data.resume());
    expect(seen.map((s) => s.headers.authorization)).toEqual([
      `Basic ${Buffer.from('svc@x:p:ss').toString('base64')}`,
      'Bearer t',
    ]);
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

  it('fails a refused connection with the socket error code, as not written', async () => {
    const closed = await serveOnLoopback(() => Promise.resolve());
    await closed.close();
    const error = await http
      .post(`http://127.0.0.1:${closed.port}/`, 'x', stream)
      .catch((e: unknown) => e);
    expect(isAxiosError(error) && error.code).toBe('ECONNREFUSED');
    expect(
      isAxiosError(error) && (error.request as { writableFinished: boolean }).writableFinished,
    ).toBe(false);
  });

  it('tells a reset after the request was written apart, and calls the socket hook first', async () => {
    const events: string[] = [];
    const config: SocketHook & { responseType: 'stream' } = {
      ...stream,
      onSocket: () => events.push('socket'),
    };
    const error = await http.post(`${url}/reset`, 'x', config).catch((e: unknown) => e);
    expect(events).toEqual(['socket']);
    expect(isAxiosError(error)).toBe(true);
    expect(isAxiosError(error) && error.response).toBeUndefined();
    expect(
      isAxiosError(error) && (error.request as { writableFinished: boolean }).writableFinished,
    ).toBe(true);
  });

  it('leaves to the fallback what it does not do: https, another agent, other response types', async () => {
    const json = await http.post<string>(`${url}/echo`, 'plain', { responseType: 'text' });
    expect(json.data).toBe('echo:plain');
    const other = new Agent({ keepAlive: false });
    await http
      .get<Readable>(`${url}/echo`, { ...stream, httpAgent: other })
      .then((r) => r.data.resume());
    await http.get(`https://127.0.0.1:${server.port}/echo`, stream).catch(() => undefined);
    expect(fallbacks).toEqual([
      `${url}/echo`,
      `${url}/echo`,
      `https://127.0.0.1:${server.port}/echo`,
    ]);
  });
});
