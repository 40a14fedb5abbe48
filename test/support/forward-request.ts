import {
  type Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
  type ServerResponse,
} from 'node:http';
import {
  type CutStreamFault,
  type DelayAnswerFault,
  type LoseAnswerFault,
} from './fault-proxy.types.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
const REQUEST_ONLY = new Set(['content-length', 'host']);

/** What {@link forwardRequest} needs to reach the upstream. */
export interface Upstream {
  readonly origin: URL;
  readonly agent: Agent;
}

/**
 * Forwards one request upstream and streams the answer back chunk by chunk, cuts, loses or
 * delays it.
 */
export function forwardRequest(
  upstream: Upstream,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  onStatus: (status: number) => void,
  fault?: CutStreamFault | LoseAnswerFault | DelayAnswerFault,
): void {
  const outgoing = httpRequest(
    new URL(req.url ?? '/', upstream.origin),
    {
      method: req.method,
      agent: upstream.agent,
      headers: {
        ...strip(req.headers, REQUEST_ONLY),
        host: upstream.origin.host,
        'content-length': body.length,
      },
    },
    (upstreamRes) => {
      upstreamRes.once('error', () => res.destroy());
      if (fault?.kind === 'loseAnswer') {
        return loseAnswer(upstreamRes, res, onStatus, fault, body);
      }
      if (fault?.kind === 'delayAnswer') return delayAnswer(upstreamRes, res, onStatus, fault);
      const status = upstreamRes.statusCode ?? 502;
      onStatus(status);
      res.writeHead(status, strip(upstreamRes.headers));
      res.flushHeaders();
      if (fault) cutStream(upstreamRes, res, fault);
      else upstreamRes.pipe(res);
    },
  );
  outgoing.once('error', () => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway (fault proxy)');
  });
  res.once('close', () => outgoing.destroy());
  outgoing.end(body);
}

function cutStream(upstreamRes: IncomingMessage, res: ServerResponse, cut: CutStreamFault): void {
  const kill = (): void => {
    upstreamRes.destroy();
    res.socket?.destroy();
  };
  if (cut.afterBytes === undefined) {
    res.write(': cut by fault proxy\n\n', kill);
    return;
  }
  let left = cut.afterBytes;
  if (left <= 0) return kill();
  let flushed = Promise.resolve();
  upstreamRes.on('data', (chunk: Buffer) => {
    if (left <= 0) return;
    const part = chunk.subarray(0, left);
    left -= part.length;
    flushed = new Promise((resolve) => res.write(part, () => resolve()));
    if (left <= 0) void flushed.then(kill);
  });
  upstreamRes.once('end', () => void flushed.then(kill));
}

/**
 * Reads the whole upstream answer, then replies `fault.code` or `fault.answer` instead, or cuts
 * before the answer.
 */
function loseAnswer(
  upstreamRes: IncomingMessage,
  res: ServerResponse,
  onStatus: (status: number) => void,
  fault: LoseAnswerFault,
  requestBody: Buffer,
): void {
  upstreamRes.resume();
  upstreamRes.once('end', () => {
    if (fault.answer) {
      const { id } = JSON.parse(requestBody.toString('utf8')) as { id?: unknown };
      onStatus(fault.code ?? 200);
      res.writeHead(fault.code ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(fault.answer(id)));
      return;
    }
    if (fault.code !== undefined) {
      onStatus(fault.code);
      if (fault.text === undefined) res.writeHead(fault.code, { 'content-length': 0 }).end();
      else res.writeHead(fault.code, { 'content-type': 'text/plain' }).end(fault.text);
      return;
    }
    onStatus(upstreamRes.statusCode ?? 502);
    res.writeHead(upstreamRes.statusCode ?? 502, strip(upstreamRes.headers, REQUEST_ONLY));
    res.write(': cut by fault proxy\n\n', () => res.socket?.destroy());
  });
}

/** Reads the whole upstream answer, then relays it `fault.ms` later, unless the client left. */
function delayAnswer(
  upstreamRes: IncomingMessage,
  res: ServerResponse,
  onStatus: (status: number) => void,
  fault: DelayAnswerFault,
): void {
  const chunks: Buffer[] = [];
  upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
  upstreamRes.once('end', () => {
    const relay = setTimeout(() => {
      if (res.destroyed) return;
      const status = upstreamRes.statusCode ?? 502;
      onStatus(status);
      res.writeHead(status, strip(upstreamRes.headers)).end(Buffer.concat(chunks));
    }, fault.ms);
    res.once('close', () => clearTimeout(relay));
  });
}

function strip(headers: IncomingHttpHeaders, also = new Set<string>()): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !also.has(name)),
  );
}
