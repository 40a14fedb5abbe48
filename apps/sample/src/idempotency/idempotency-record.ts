/** What is kept under an Idempotency-Key: the request it was first used for, and how it went. */
export type IdempotencyRecord =
  | {
      state: 'running';
      /** The request's fingerprint: the same key with another request is refused. */
      fingerprint: string;
      /** When the call will have ended, whatever happens (its retry budget, and a margin). */
      deadline: number;
    }
  | { state: 'done'; fingerprint: string; status: number; body: unknown }
  /** Done, with a response too large to keep: it is not sent again, and the call not run again. */
  | { state: 'done'; fingerprint: string; status: number; tooLarge: true };

/** Where records live: memory for one instance, Redis for several behind one load balancer. */
export interface IdempotencyRecords {
  /**
   * Takes `key` for `record` (a running call) unless it is taken: null when taken now, else the
   * record already there. Throws when the store cannot answer.
   */
  claim(key: string, record: IdempotencyRecord, ttlMs: number): Promise<IdempotencyRecord | null>;
  /** Replaces the running record with the call's outcome. */
  finish(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void>;
  /** Forgets `key`: its call ran nothing, so the same request may be sent again. */
  release(key: string): Promise<void>;
}

/** Token of the app's IdempotencyRecords. */
export const IDEMPOTENCY_RECORDS = Symbol('Sample:IdempotencyRecords');
