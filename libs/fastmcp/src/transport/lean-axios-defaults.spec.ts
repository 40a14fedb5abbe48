import { Readable } from 'node:stream';
import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { trimAxiosDefaults } from './lean-axios-defaults.js';

function capturingInstance(): {
  sent: InternalAxiosRequestConfig[];
  request: typeof axios.request;
} {
  const sent: InternalAxiosRequestConfig[] = [];
  const adapter: AxiosAdapter = (config) => {
    sent.push(config);
    return Promise.resolve({
      data: Readable.from(['{"ok":true}']),
      status: 200,
      statusText: 'OK',
      headers: {},
      config,
    });
  };
  const instance = axios.create({ adapter, maxRedirects: 0 });
  trimAxiosDefaults(instance.defaults);
  return { sent, request: instance.request.bind(instance) };
}

describe('trimAxiosDefaults', () => {
  it('sends exactly the headers a request sets, with no default Accept', async () => {
    const { sent, request } = capturingInstance();
    await request({
      method: 'get',
      url: 'http://127.0.0.1:9/mcp',
      headers: { 'mcp-session-id': 's1' },
    });
    expect(sent[0].headers.toJSON()).toEqual({ 'mcp-session-id': 's1' });
  });

  it('passes the body and the streamed answer through untouched', async () => {
    const { sent, request } = capturingInstance();
    const body = ' {"jsonrpc":"2.0","id":1,"method":"ping"} ';
    const response = await request({
      method: 'post',
      url: 'http://127.0.0.1:9/mcp',
      data: body,
      headers: { 'content-type': 'application/json' },
      responseType: 'stream',
    });
    expect(sent[0].data).toBe(body);
    expect(response.data).toBeInstanceOf(Readable);
  });

  it('keeps what the module relies on: the status check and the redirect limit', () => {
    const instance = axios.create({ maxRedirects: 0 });
    trimAxiosDefaults(instance.defaults);
    expect(instance.defaults.maxRedirects).toBe(0);
    expect(instance.defaults.validateStatus?.(500)).toBe(false);
    expect(instance.defaults.validateStatus?.(204)).toBe(true);
    expect(Object.keys(instance.defaults).sort()).toEqual([
      'adapter',
      'headers',
      'maxRedirects',
      'validateStatus',
    ]);
  });

  it('sends the request with no timeout, size limits or transforms merged in', async () => {
    const { sent, request } = capturingInstance();
    await request({ method: 'post', url: 'http://127.0.0.1:9/mcp', data: '{}' });
    const config = sent[0];
    expect(config.timeout).toBeUndefined();
    expect(config.maxContentLength).toBeUndefined();
    expect(config.maxBodyLength).toBeUndefined();
    expect(config.transformRequest).toBeUndefined();
    expect(config.env).toBeUndefined();
  });
});
