import type { JSONRPCMessage, JSONRPCRequest, Progress } from '@modelcontextprotocol/sdk/types.js';
import type {
  ExchangeContext,
  ServerMessageDispatcher,
} from '../protocol/server-message.dispatcher.js';
import type { AbortHandle } from '../retry/abort-handle.js';
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
  const context = new StreamExchangeContext(target, message, run, exchange, upstream, reply);
  return {
    sink: (incoming) => dispatcher.dispatch(incoming, context),
    end: () => context.end(),
  };
}

/**
 * One exchange's context. A class, not an object literal with a getter: such a literal is a slow
 * (dictionary-mode) object whose accessor V8 keeps in the old generation, so the getter, and the
 * whole call it reaches, outlived every young collection and was promoted (measured: about 4.8 KB
 * a call), to be freed only by a full collection.
 */
class StreamExchangeContext implements ExchangeContext {
  readonly clientId: string;
  readonly handling = new Map<string | number, AbortController>();
  readonly progressToken?: string | number;
  readonly reply?: (message: JSONRPCMessage) => Promise<void>;
  readonly tasks: HttpTarget['tasks'];
  private readonly progress: ExchangeOptions['progress'];
  private readonly attempt: AbortHandle | undefined;
  // Made only when the server sends a request on the stream: most answers have none.
  private ended?: AbortController;
  private endedSignal?: AbortSignal;
  private finished = false;
  private progressFailed = false;

  constructor(
    target: HttpTarget,
    message: JSONRPCRequest,
    private readonly run: RetryRun,
    exchange: ExchangeOptions,
    readonly upstream: UpstreamText,
    reply: (answer: JSONRPCMessage) => Promise<void>,
  ) {
    this.clientId = run.clientId;
    this.progress = exchange.progress;
    this.attempt = run.attemptAbort;
    this.progressToken = this.progress ? (this.progress.token ?? message.id) : undefined;
    // 2026-07-28: the server may send no request on this stream, and the client no response.
    this.reply = target.era === 'modern' ? undefined : reply;
    this.tasks = target.tasks;
  }

  get signal(): AbortSignal {
    if (!this.endedSignal) {
      const ended = new AbortController();
      this.ended = ended;
      if (this.finished) ended.abort(EXCHANGE_ENDED);
      this.endedSignal = this.attempt
        ? AbortSignal.any([ended.signal, this.attempt.signal])
        : ended.signal;
    }
    return this.endedSignal;
  }

  end(): void {
    this.finished = true;
    this.ended?.abort(EXCHANGE_ENDED);
  }

  waitOnClient(): () => void {
    return this.run.waitOnClient();
  }

  onProgress(update: Progress): void {
    const { progress, run } = this;
    if (progress?.resetTimeout) run.extendAttempt(progress.maxAttemptMs);
    try {
      progress?.onProgress?.(update);
    } catch (error) {
      // The caller's bug: ending the call for it would lose a tool that already runs.
      if (this.progressFailed) return;
      this.progressFailed = true;
      // Scrubbed as server text is: the caller's message may quote a credential.
      const said = this.upstream.excerpt(String(error), 500);
      logger.error(
        `onProgress of ${run.operation} on ${run.clientId} threw (${said}); the call goes on`,
      );
    }
  }
}
