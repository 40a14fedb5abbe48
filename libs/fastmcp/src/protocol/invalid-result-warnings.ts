import { InertLogger } from '../logging/inert-logger.js';
import type { UpstreamText } from '../transport/upstream-text.js';
import { InvalidHandlerResult } from './handler-results.js';

/**
 * WARN lines for handler answers that were not sent because they are not what their method
 * answers (the app's to fix). The server chose the schema an answer broke, so it can have every
 * answer refused: only the 1st, 10th, 100th... refusal of a client id is logged.
 */
export class InvalidResultWarnings {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  /** Handler answers refused per client id (client ids are the app's: bounded). */
  private readonly counts = new Map<string, number>();

  /** Counts, and maybe logs, `error` when it is an InvalidHandlerResult; ignores anything else. */
  warn(error: unknown, method: string, clientId: string, upstream: UpstreamText): void {
    if (!(error instanceof InvalidHandlerResult)) return;
    const count = (this.counts.get(clientId) ?? 0) + 1;
    this.counts.set(clientId, count);
    if (!Number.isInteger(Math.log10(count))) return;
    const named = method.slice(0, 100);
    const times = count > 1 ? ` (${count} answers so far)` : '';
    // Its message may quote the server's schema, whose names and values the server chose.
    this.logger.warn(
      `The ${named} handler's answer to ${clientId} was not sent${times}: ${upstream.scrub(error.message)}`,
      { event: 'server.request.invalid_result', clientId },
    );
  }
}
