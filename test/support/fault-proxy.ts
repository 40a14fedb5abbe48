import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { parseJsonRpcBody } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { applyFault } from './apply-fault.js';
import { FaultQueue } from './fault-queue.js';
import { type FaultRule, type InjectedFault, type ProxyRequestLog } from './fault-proxy.types.js';
import { type Upstream } from './forward-request.js';

export { faults } from './fault-builders.js';
export type {
  DelayAnswerFault,
  Fault,
  FaultMatch,
  FaultRule,
  InjectedFault,
  LoseAnswerFault,
  ProxyRequestLog,
} from './fault-proxy.types.js';

/** A running fault-injecting reverse proxy. */
export interface FaultProxy {
  /** The upstream URL as seen through the proxy (same path), e.g. `http://127.0.0.1:P/mcp`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: readonly ProxyRequestLog[];
  /** Queues a fault for the next matching requests (first matching rule wins). */
  inject(rule: FaultRule): InjectedFault;
  /** Removes every queued fault (the request log stays). */
  clear(): void;
  /** Empties the request log. */
  clearRequests(): void;
  /** Destroys the sockets of requests held by `hang` faults. */
  releaseHung(): void;
  /** Closes the proxy, destroying every socket (hung ones included). Idempotent. */
  close(): Promise<void>;
}

/** Starts a fault-injecting proxy in front of `upstreamUrl`, on 127.0.0.1 and a free port. */
export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const target = new URL(upstreamUrl);
  const upstream: Upstream = {
    origin: new URL(target.origin),
    agent: new Agent({ keepAlive: false }),
  };
  const queue = new FaultQueue();
  const requests: ProxyRequestLog[] = [];
  const hung = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const time = Date.now();
    const body = await readBody(req);
    const { messages } = parseJsonRpcBody(body.toString('utf8'));
    const httpMethod = req.method ?? 'GET';
    const fault = queue.take({ httpMethod, messages });
    const entry: ProxyRequestLog = {
      httpMethod,
      path: req.url ?? '/',
      headers: req.headers,
      jsonRpcMethod: messages[0]?.method,
      toolName: messages[0]?.toolName,
      body: body.toString('utf8'),
      time,
      fault,
    };
    requests.push(entry);
    const setStatus = (status: number): void => void (entry.status = status);
    applyFault(fault, { req, res, body, upstream, hung, setStatus });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const releaseHung = (): void => {
    for (const socket of hung) socket.destroy();
    hung.clear();
  };
  return {
    url: `http://127.0.0.1:${port}${target.pathname}${target.search}`,
    port,
    requests,
    inject: (rule) => queue.inject(rule),
    clear: () => queue.clear(),
    clearRequests: () => void requests.splice(0),
    releaseHung,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        releaseHung();
        server.close(() => resolve());
        server.closeAllConnections();
        upstream.agent.destroy();
      })),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
