export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  maxRetries: number;
  /** Delay before the first retry, in ms. Default 100. */
  initialDelayMs: number;
  /** Growth of the delay from one retry to the next. Default 2. */
  multiplier: number;
  /** Cap on one delay, in ms, before jitter. Default 30000. */
  maxDelayMs: number;
  /** Random spread of each delay, as a fraction: 0.1 is +/-10 %. Default 0.1. */
  jitter: number;
  /** Budget of the whole call, retries and waits included, in ms. Default 300000. */
  totalTimeoutMs: number;
  /** Timeout of one attempt, in ms (never past the remaining budget). Default 30000. */
  requestTimeoutMs: number;
  /** HTTP statuses that are retried. Default [429, 500, 502, 503, 504]. */
  retryableStatusCodes: number[];
}
