import type { FastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';

/**
 * One running operation, as shutdown sees it: `shutDown` ends it (FastMcpShutdownError) when the
 * grace runs out. No AbortSignal: the operation says how it is ended (`onShutdown`), so a call
 * that is never shut down makes none (see AbortHandle).
 */
export class InFlightTicket {
  private stopper?: (reason: FastMcpShutdownError) => void;
  private ended?: FastMcpShutdownError;

  constructor(private readonly release: (ticket: InFlightTicket) => void) {}

  /** Why shutdown ended the operation, once it did. */
  get shutdownReason(): FastMcpShutdownError | undefined {
    return this.ended;
  }

  /** How the operation is ended at the grace's end; at once if that came already. */
  onShutdown(stop: (reason: FastMcpShutdownError) => void): void {
    this.stopper = stop;
    if (this.ended) stop(this.ended);
  }

  shutDown(reason: FastMcpShutdownError): void {
    if (this.ended) return;
    this.ended = reason;
    this.stopper?.(reason);
  }

  /** The operation is over. */
  done(): void {
    this.release(this);
  }
}
