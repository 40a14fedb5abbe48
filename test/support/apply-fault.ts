import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Socket } from 'node:net';
import { replyDropSession, replyStatus } from './fault-replies.js';
import { type Fault } from './fault-proxy.types.js';
import { forwardRequest, type Upstream } from './forward-request.js';

/** Everything a fault needs to act on one request. */
export interface FaultContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly body: Buffer;
  readonly upstream: Upstream;
  readonly hung: Set<Socket>;
  readonly setStatus: (status: number) => void;
}

/** Forwards the request untouched (no fault) or applies `fault` to it. */
export function applyFault(fault: Fault | undefined, ctx: FaultContext): void {
  const { req, res, setStatus } = ctx;
  switch (fault?.kind) {
    case undefined:
      return forwardRequest(ctx.upstream, req, ctx.body, res, setStatus);
    case 'cutStream':
    case 'loseAnswer':
    case 'delayAnswer':
      return forwardRequest(ctx.upstream, req, ctx.body, res, setStatus, fault);
    case 'status':
      return setStatus(replyStatus(res, fault));
    case 'dropSession':
      return setStatus(replyDropSession(res, fault));
    case 'reset':
      req.socket.resetAndDestroy();
      return;
    case 'hang':
      ctx.hung.add(req.socket);
      req.socket.once('close', () => ctx.hung.delete(req.socket));
      return;
  }
}
