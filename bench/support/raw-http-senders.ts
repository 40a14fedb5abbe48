import { Agent, request } from 'node:http';
import axios, { type AxiosAdapter } from 'axios';
import { Pool } from 'undici';

/** What one POST answered, read in full as text. */
export interface RawReply {
  status: number;
  sessionId?: string;
  contentType: string;
  text: string;
}

/** One way of POSTing a body over a keep-alive agent: the floor a client is compared with. */
export interface RawSender {
  readonly name: string;
  post(url: string, body: string, headers: Record<string, string>): Promise<RawReply>;
  close(): void;
}

const header = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** axios with its default (http) adapter, or `adapter`, and a keep-alive agent. */
export function axiosSender(
  adapter?: AxiosAdapter,
  name = 'raw HTTP (axios)',
  closeAdapter: () => void = () => undefined,
): RawSender {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const http = axios.create({
    httpAgent: agent,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    validateStatus: () => true,
    ...(adapter ? { adapter } : {}),
  });
  return {
    name,
    post: async (url, body, headers) => {
      const response = await http.post<string>(url, body, { headers });
      return {
        status: response.status,
        sessionId: header(response.headers['mcp-session-id']),
        contentType: String(response.headers['content-type'] ?? ''),
        text: response.data,
      };
    },
    close: () => {
      agent.destroy();
      closeAdapter();
    },
  };
}

/**
 * axios over the least adapter there can be: the body posted on an undici `Pool` and read whole
 * (no streaming, no size caps, no abort). What axios's own core costs, with nothing of ours.
 */
export function axiosOverMinimalUndiciSender(): RawSender {
  const pools = new Map<string, Pool>();
  const poolOf = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) pools.set(origin, (pool = new Pool(origin, { connections: 256 })));
    return pool;
  };
  const adapter: AxiosAdapter = async (config) => {
    const url = new URL(config.url ?? '');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(config.headers.toJSON())) {
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await poolOf(url.origin).request({
      path: url.pathname,
      method: 'POST',
      headers,
      body: config.data as string,
    });
    return {
      data: await answer.body.text(),
      status: answer.statusCode,
      statusText: '',
      headers: answer.headers as Record<string, string>,
      config,
      request: {},
    };
  };
  const closePools = (): void => {
    for (const pool of pools.values()) void pool.close();
  };
  return axiosSender(adapter, AXIOS_MINIMAL_UNDICI, closePools);
}

export const AXIOS_MINIMAL_UNDICI = 'axios over a minimal undici adapter';

/** `node:http` itself with a keep-alive agent: no client library at all. */
export function nodeHttpSender(): RawSender {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  return {
    name: 'raw node:http keep-alive',
    post: (url, body, headers) =>
      new Promise<RawReply>((resolve, reject) => {
        const req = request(url, {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        });
        req.once('error', reject);
        req.once('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', reject);
          res.once('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              sessionId: header(res.headers['mcp-session-id']),
              contentType: res.headers['content-type'] ?? '',
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        });
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
