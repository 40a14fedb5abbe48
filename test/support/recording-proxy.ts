import { createServer, request } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A forward proxy on 127.0.0.1 that records what it forwards and tunnels. */
export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`, for HTTP_PROXY or HTTPS_PROXY. */
  readonly url: string;
  /** `METHOD absolute-url` of every request forwarded, and `CONNECT host:port` of every tunnel. */
  readonly requests: string[];
  /** The local port of every tunnel's connection to its target. */
  readonly tunnelPorts: number[];
  /** Every byte clients sent it (request heads and bodies, tunnelled bytes), as latin1 text. */
  received(): string;
  close(): Promise<void>;
}

/**
 * Forwards absolute-form `http:` requests (answers streamed) and tunnels CONNECT, as a client
 * behind HTTP_PROXY or HTTPS_PROXY expects.
 */
export async function startRecordingProxy(): Promise<RecordingProxy> {
  const requests: string[] = [];
  const received: Buffer[] = [];
  const tunnels = new Set<Socket>();
  const tunnelPorts: number[] = [];
  const server = createServer((req, res) => {
    const target = req.url ?? '';
    if (!/^http:\/\//.test(target)) {
      res.writeHead(400).end('absolute-form http:// requests only');
      return;
    }
    requests.push(`${req.method} ${target}`);
    received.push(Buffer.from(`${req.method} ${target}\n${JSON.stringify(req.headers)}\n`));
    req.on('data', (chunk: Buffer) => received.push(chunk));
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    const upstream = request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`);
    received.push(Buffer.from(`CONNECT ${req.url}\n${JSON.stringify(req.headers)}\n`), head);
    const { hostname, port } = new URL(`http://${req.url}`);
    const upstream = connect(Number(port), hostname.replace(/^\[|\]$/g, ''), () => {
      if (upstream.localPort !== undefined) tunnelPorts.push(upstream.localPort);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      client.on('data', (chunk: Buffer) => received.push(chunk));
      client.pipe(upstream).pipe(client);
    });
    for (const socket of [client, upstream]) {
      tunnels.add(socket);
      socket.once('close', () => tunnels.delete(socket));
      socket.once('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tunnelPorts,
    received: () => Buffer.concat(received).toString('latin1'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of tunnels) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
