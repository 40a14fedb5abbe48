import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import type { InertLogger } from '../logging/inert-logger.js';
import type { Clock } from '../retry/clock.js';
import { type ListenFilter, isEmptyFilter } from './listen-filter.js';
import { raceSignal } from './race-signal.js';
import type { SubscriptionStream } from './subscription-stream.js';

/** The first wait before a cut stream is opened again; it doubles with each failure. */
const FIRST_REOPEN_DELAY_MS = 1000;
const MAX_REOPEN_DELAY_MS = 60_000;
/** How long a stream opened in the background may take to be acknowledged. */
const BACKGROUND_ACK_TIMEOUT_MS = 30_000;

/** What a modern connection's listening is made of. */
export interface ModernListenDeps {
  clientId: string;
  /** The filter the client id wants now. */
  wanted: () => ListenFilter;
  open: (filter: ListenFilter) => SubscriptionStream;
  clock: Clock;
  logger: InertLogger;
}

/**
 * A 2026-07-28 connection's `subscriptions/listen` stream, kept open while the client id wants
 * anything (list changes with `listen: true`, subscribed resources). A change of what it wants
 * opens a new stream, and the old one is closed once the new one is acknowledged, so nothing is
 * missed between them. A stream that is cut, or that the server ends while it honours anything, is
 * opened again after 1 s, doubling to 60 s; a refusal (an HTTP 4xx, a JSON-RPC error) stops it
 * with a WARN line until the next change.
 */
export class ModernListen {
  private live: SubscriptionStream | undefined;
  /** Counts changes: a stream or a reopen started before the latest one is dropped. */
  private generation = 0;
  private failures = 0;
  private readonly stopping = new AbortController();
  private reopening: AbortController | undefined;

  constructor(private readonly deps: ModernListenDeps) {}

  /**
   * Opens a stream for what the client id wants now and resolves with what the server
   * acknowledged, once it replaced the previous one; rejects with the refusal, or when `signal`
   * aborts first (the previous stream is then kept).
   */
  async update(signal: AbortSignal): Promise<ListenFilter> {
    const generation = ++this.generation;
    this.reopening?.abort();
    const filter = this.deps.wanted();
    if (isEmptyFilter(filter)) {
      this.replace(undefined);
      return {};
    }
    const stream = this.deps.open(filter);
    const bounded = AbortSignal.any([signal, this.stopping.signal]);
    try {
      const acknowledged = await raceSignal(
        stream.acknowledged,
        bounded,
        () => bounded.reason as Error,
      );
      if (generation === this.generation && !this.stopping.signal.aborted) this.replace(stream);
      else stream.close();
      return acknowledged;
    } catch (error) {
      stream.close();
      throw error;
    }
  }

  /** Opens the first stream in the background. */
  start(): void {
    void this.inBackground();
  }

  stop(): void {
    this.stopping.abort();
    this.reopening?.abort();
    this.replace(undefined);
  }

  private replace(stream: SubscriptionStream | undefined): void {
    this.live?.close();
    this.live = stream;
    if (!stream) return;
    this.failures = 0;
    void stream.ended.then(async (end) => {
      if (this.live !== stream || this.stopping.signal.aborted) return;
      this.live = undefined;
      // A server that ends a stream honouring nothing would be asked again and again.
      if (end === 'complete' && isEmptyFilter(await stream.acknowledged)) return;
      this.reopenLater();
    });
  }

  private async inBackground(): Promise<void> {
    const timeout = AbortSignal.timeout(BACKGROUND_ACK_TIMEOUT_MS);
    try {
      await this.update(timeout);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      if (isRefusal(error)) {
        this.deps.logger.warn(
          `${this.deps.clientId}: the server refused subscriptions/listen: ${(error as Error).message}`,
        );
        return;
      }
      this.reopenLater();
    }
  }

  private reopenLater(): void {
    if (this.stopping.signal.aborted) return;
    const delayMs = Math.min(FIRST_REOPEN_DELAY_MS * 2 ** this.failures, MAX_REOPEN_DELAY_MS);
    this.failures += 1;
    const reopening = new AbortController();
    this.reopening = reopening;
    this.deps.clock.sleep(delayMs, reopening.signal).then(
      () => void this.inBackground(),
      () => undefined,
    );
  }
}

/** A refusal the server gave: opening the stream again the same way would be refused again. */
function isRefusal(error: unknown): boolean {
  if (isMcpProtocolError(error)) return true;
  if (!isMcpHttpError(error)) return false;
  return error.status >= 400 && error.status < 500 && ![408, 429].includes(error.status);
}
