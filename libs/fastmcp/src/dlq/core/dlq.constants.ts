/** Nest Logger context of every DLQ log line. */
export const DLQ_LOGGER_CONTEXT = 'FastMCP Enhanced';

/** Entries removed at most by one retention or cleanup script call. */
export const DLQ_SWEEP_BATCH = 500;

/** How often the retention sweep runs, in ms (also before stats and timelines). */
export const DLQ_SWEEP_INTERVAL_MS = 30_000;

/** Attempts kept per entry (the last ones). */
export const DLQ_ATTEMPTS_KEPT = 10;

/** Bytes kept of each attempt message and of the entry's `error`. */
export const DLQ_MESSAGE_MAX_BYTES = 2048;

/** Bytes kept of an entry's server URL (it is shown, never used to replay). */
export const DLQ_URL_MAX_BYTES = 2048;

/** Client ids listed at most in `getStats().byClientId`. */
export const DLQ_STATS_TOP_CLIENTS = 20;

/** Error classes listed at most in `getStats().byErrorClass`. */
export const DLQ_STATS_TOP_ERROR_CLASSES = 50;

/** Page size when none is given, and the largest allowed. */
export const DLQ_DEFAULT_PAGE_LIMIT = 50;
export const DLQ_MAX_PAGE_LIMIT = 500;

/**
 * How long the id of a removed entry (deleted, or replayed with success) is remembered, so that a
 * late write of it is skipped rather than bringing the entry back.
 */
export const DLQ_TOMBSTONE_MS = 60 * 60 * 1000;

/** A Redis write that takes longer is treated as failed and buffered (it stays idempotent). */
export const DLQ_WRITE_TIMEOUT_MS = 2000;

/**
 * At shutdown, once calls are drained, how long a redrive round or a bulk job may still take to
 * record where it got to. A store that never answers (an app-given client queueing commands
 * while Redis is down) must not hold the app up: what is not recorded is redone by the next run,
 * and an entry's lease runs out on its own.
 */
export const DLQ_SHUTDOWN_WAIT_MS = 5000;

/** Background retry of buffered writes: first delay and cap, in ms. */
export const DLQ_BUFFER_RETRY_INITIAL_MS = 200;
export const DLQ_BUFFER_RETRY_MAX_MS = 10_000;

/** The longest tool name (UTF-8 bytes) a call takes and an entry keeps. */
export const TOOL_NAME_MAX_BYTES = 256;
