import { Agent } from 'node:http';
import { forwardRequest } from '../forward-request.js';
import { type LoopbackServer, serveOnLoopback } from '../loopback-server.js';
import type { EraServerHandle } from './era-server.js';

export interface EraSwitch {
  /** `http://127.0.0.1:<port>/mcp` */
  readonly url: string;
  /** Sends what comes next to another server. */
  switchTo(next: EraServerHandle): void;
  /** While down, every request is answered 503. */
  setDown(value: boolean): void;
  close(): Promise<void>;
}

/** One URL in front of whichever era server is current: a server upgraded or rolled back. */
export async function startEraSwitch(initial: EraServerHandle): Promise<EraSwitch> {
  let current = initial;
  let down = false;
  const agent = new Agent({ keepAlive: false });
  const server: LoopbackServer = await serveOnLoopback(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (down) return void res.writeHead(503).end('down for the upgrade');
    const upstream = { origin: new URL(new URL(current.url).origin), agent };
    await new Promise<void>((resolve) => {
      res.once('close', () => resolve());
      forwardRequest(upstream, req, Buffer.concat(chunks), res, () => undefined);
    });
  });
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    switchTo: (next: EraServerHandle) => void (current = next),
    setDown: (value: boolean) => void (down = value),
    close: () => server.close(),
  };
}
