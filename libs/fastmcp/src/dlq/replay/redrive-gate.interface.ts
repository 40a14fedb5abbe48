/**
 * Whether a server can take an automatic redrive now; the client implements it over the
 * server's attempt pipeline, so `dlq/` never imports `client/` or `pipeline/`.
 */
export interface RedriveGate {
  /** Why redrives to this client id wait now (its circuit is open, its rate limit has a queue), or null. */
  holdReason(clientId: string): string | null;
}

/** Injection token of the `RedriveGate` (optional: without one, redrives never wait). */
export const REDRIVE_GATE = Symbol('FastMcp:RedriveGate');
