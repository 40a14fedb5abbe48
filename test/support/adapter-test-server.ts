import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { type LoopbackServer, serveOnLoopback } from './loopback-server.js';

/** A request the adapter test server received. */
export interface SeenRequest {
  method?: string;
  url?: string;
  headers: Record<string, unknown>;
  body: string;
}

/** The whole body of a response stream, as text. */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The server both axios adapters are tested against, recording each request in `seen`:
 * `/gzip` a gzip JSON answer, `/busy` a 503 with Retry-After, `/hang` a body that never ends,
 * `/reset` a dropped connection, anything else `echo:<body>` with an `mcp-session-id`.
 */
export function serveAdapterRoutes(seen: SeenRequest[]): Promise<LoopbackServer> {
  return serveOnLoopback(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (req.url === '/gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(gzipSync('{"ok":true}'));
    } else if (req.url === '/busy') {
      res.writeHead(503, { 'retry-after': '2' }).end('busy');
    } else if (req.url === '/hang') {
      res.writeHead(200);
      res.write('partial');
    } else if (req.url === '/reset') {
      req.socket.destroy();
    } else {
      res.writeHead(200, { 'mcp-session-id': 's-1' }).end(`echo:${body}`);
    }
  });
}
