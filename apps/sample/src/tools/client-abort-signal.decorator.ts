import type { ServerResponse } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * An AbortSignal that aborts when the client goes away before its answer is written: the
 * exchange closes while the response is unfinished. Pass it as a call's `signal`. It listens on
 * the response: since Node 16 the request's own `close` fires as soon as its body has been read.
 */
export const ClientAbortSignal = createParamDecorator(
  (_: unknown, context: ExecutionContext): AbortSignal => {
    const response = context.switchToHttp().getResponse<ServerResponse>();
    const controller = new AbortController();
    const abort = (): void => {
      if (!response.writableFinished) controller.abort(new Error('the client closed the request'));
    };
    if (response.destroyed) abort();
    else response.once('close', abort);
    return controller.signal;
  },
);
