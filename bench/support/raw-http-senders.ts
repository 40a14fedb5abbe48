import { Agent, request } from 'node:http';
import axios, { type AxiosAdapter } from 'axios';

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

/** axios with its default (http) adapter and a keep-alive agent. */
export function axiosSender(adapter?: AxiosAdapter, name = 'raw HTTP (axios)'): RawSender {
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
    close: () => agent.destroy(),
  };
}

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
