import { AsyncResource } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { util } from 'undici';
import type { AnswerHead } from './adapter-answer.js';

/** What one request dispatched on an undici pool reports to its adapter. */
export interface AnswerEvents {
  /** The request left the pool's queue for a connection and is being written. */
  onSocket?: () => void;
  onHead(head: AnswerHead): void;
  /** A failure before the answer's head; later ones go to the body stream. */
  onFailure(error: Error): void;
}

/**
 * undici's dispatch handler for one request (its callback interface, the one that reports when
 * the request is fully written): the answer is handed over as a Readable that asks undici for
 * more only when it is read. `writableFinished` reads like a `node:http` request's, so the
 * error converter can tell a request that never left from one the server may have. undici calls
 * it in the async context of the connection, i.e. of whichever request opened it; each callback
 * runs in the context of the request's own dispatch instead (as node:http's do), so what the
 * answer's stream sets off (the app's handlers, their spans) belongs to this request's caller.
 */
export class UndiciAnswerHandler {
  writableFinished = false;
  private readonly scope = new AsyncResource('FastMcpUndiciAnswer');
  private abortRequest?: (reason: Error) => void;
  private stopReason?: Error;
  private body?: Readable;
  private ended = false;

  constructor(private readonly events: AnswerEvents) {}

  /** Stops the request: at once on a connection, or as soon as it gets one. */
  stop(reason: Error): void {
    if (this.ended) return;
    this.stopReason ??= reason;
    if (this.body) this.body.destroy(reason);
    else this.abortRequest?.(reason);
  }

  onConnect(abort: (reason: Error) => void): void {
    this.scope.runInAsyncScope(() => this.connected(abort));
  }

  onHeaders(
    status: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText?: string,
  ): boolean {
    return this.scope.runInAsyncScope(() => this.head(status, rawHeaders, resume, statusText));
  }

  onData(chunk: Buffer): boolean {
    return this.scope.runInAsyncScope(() => this.body?.push(chunk) ?? true);
  }

  onComplete(): void {
    this.scope.runInAsyncScope(() => this.completed());
  }

  onError(error: Error): void {
    this.scope.runInAsyncScope(() => this.failed(error));
  }

  private connected(abort: (reason: Error) => void): void {
    this.abortRequest = abort;
    if (this.stopReason) abort(this.stopReason);
    else this.events.onSocket?.();
  }

  onRequestSent(): void {
    this.writableFinished = true;
  }

  private head(
    status: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText?: string,
  ): boolean {
    if (status < 200) return true;
    const body = new Readable({
      read: () => resume(),
      destroy: (error, callback) => {
        // A body left before its end takes the connection with it, as a destroyed response does.
        if (!this.ended) this.abortRequest?.(error ?? new Error('the answer was closed early'));
        callback(error);
      },
    });
    this.body = body;
    const headers = util.parseHeaders(rawHeaders) as IncomingHttpHeaders;
    this.events.onHead({ status, statusText: statusText ?? '', headers, body });
    return true;
  }

  private completed(): void {
    this.ended = true;
    this.body?.push(null);
  }

  private failed(error: Error): void {
    this.ended = true;
    if (this.body) this.body.destroy(error);
    else this.events.onFailure(error);
  }
}
