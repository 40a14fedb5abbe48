import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type {
  ExchangeContext,
  ServerMessageDispatcher,
} from '../protocol/server-message.dispatcher.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { ExchangeOptions } from './exchange-options.interface.js';
import type { HttpTarget } from './http-target.interface.js';
import type { MessageSink } from './sse-response.reader.js';
import type { UpstreamText } from './upstream-text.js';
import { InertLogger } from '../logging/inert-logger.js';

/** The abort reason of an exchange's handlers once its answer is in (made once: no stack per call). */
const EXCHANGE_ENDED = new Error('the exchange ended');
const logger = new InertLogger('FastMCP Enhanced');

/**
 * The sink of one exchange's stream: what the server sends besides the answer goes to the
 * dispatcher, with the exchange's context (its progress, its replies, a signal that aborts the
 * handlers when the exchange ends). `end` is called once the answer is in, however it ends.
 */
export function exchangeSink(
  dispatcher: ServerMessageDispatcher,
  target: HttpTarget,
  message: JSONRPCRequest,
  run: RetryRun,
  exchange: ExchangeOptions,
  upstream: UpstreamText,
  reply: (answer: JSONRPCMessage) => Promise<void>,
): { sink: MessageSink; end: () => void } {
  const progress = exchange.progress;
  const attempt = run.attemptSignal;
  // Made only when the server sends a request on the stream: most answers have none.
  let ended: AbortController | undefined;
  let signal: AbortSignal | undefined;
  let finished = false;
  let progressFailed = false;
  const context: ExchangeContext = {
    clientId: run.clientId,
    get signal(): AbortSignal {
      if (!signal) {
        ended = new AbortController();
        if (finished) ended.abort(EXCHANGE_ENDED);
        signal = attempt ? AbortSignal.any([ended.signal, attempt]) : ended.signal;
      }
      return signal;
    },
    handling: new Map(),
    upstream,
    progressToken: progress ? (progress.token ?? message.id) : undefined,
    // 2026-07-28: the server may send no request on this stream, and the client no response.
    reply: target.era === 'modern' ? undefined : reply,
    waitOnClient: () => run.waitOnClient(),
    tasks: target.tasks,
    onProgress: (update) => {
      if (progress?.resetTimeout) run.extendAttempt(progress.maxAttemptMs);
      try {
        progress?.onProgress?.(update);
      } catch (error) {
        // The caller's bug: ending the call for it would lose a tool that already runs.
        if (progressFailed) return;
        progressFailed = true;
        // Scrubbed as server text is: the caller's message may quote a credential.
        const said = upstream.excerpt(String(error), 500);
        logger.error(
          `onProgress of ${run.operation} on ${run.clientId} threw (${said}); the call goes on`,
        );
      }
    },
  };
  return {
    sink: (incoming) => dispatcher.dispatch(incoming, context),
    end: () => {
      finished = true;
      ended?.abort(EXCHANGE_ENDED);
    },
  };
}
