import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A plain-HTTP forward proxy on 127.0.0.1 that records what it forwards. */
export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`, for HTTP_PROXY. */
  readonly url: string;
  /** `METHOD absolute-url` of every request forwarded, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Forwards absolute-form requests (what a client sends to an HTTP proxy), answers streamed. */
export async function startRecordingProxy(): Promise<RecordingProxy> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const target = req.url ?? '';
    if (!/^http:\/\//.test(target)) {
      res.writeHead(400).end('absolute-form http:// requests only');
      return;
    }
    requests.push(`${req.method} ${target}`);
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    const upstream = request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
