import { DlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import { FastMcpConfigError } from '../../errors/fastmcp-config.error.js';
import { isFastMcpError } from '../../errors/fastmcp.error.js';
import type {
  ResolvedDlqOptions,
  ResolvedFastMcpOptions,
} from '../../options/fastmcp-options.interface.js';
import { DLQ_SHUTDOWN_WAIT_MS } from './dlq.constants.js';
import { describe } from './dlq-notifier.js';
import type { FailedOperation } from './failed-operation.interface.js';

/** The time source a store reads; `FASTMCP_CLOCK` satisfies it. */
export interface DlqClock {
  now(): number;
}

export const systemDlqClock: DlqClock = { now: () => Date.now() };

/** The DLQ options of the resolved module options; throws when the DLQ is off. */
export function dlqOptionsOf(options: ResolvedFastMcpOptions): Readonly<ResolvedDlqOptions> {
  if (options.dlq === false) {
    throw new FastMcpConfigError([
      { field: 'dlq', message: 'a DLQ store was created with dlq: false' },
    ]);
  }
  return options.dlq;
}

/**
 * The entry as a reader sees it: `replaying` only while a live lease backs it. One left
 * `replaying` may have run: it is shown (and exported) as the next replay will find it,
 * `deliveryUnknown`.
 */
export function withLiveStatus(entry: FailedOperation, leaseLive: boolean): FailedOperation {
  if (entry.status !== 'replaying' || leaseLive) return entry;
  const left: FailedOperation = { ...entry, status: 'dead', deliveryUnknown: true };
  delete left.nextRedriveAt;
  return left;
}

/** True when retention should have removed the entry by `nowMs`. */
export function isExpired(entry: FailedOperation, nowMs: number): boolean {
  const at = Date.parse(entry.expiresAt);
  return Number.isFinite(at) && at <= nowMs;
}

/**
 * Rejects with `onTimeout()` when `promise` takes longer than `ms`. The timer is unref'd unless
 * `keepAlive`: a wait that must end before the process does (shutdown) holds it open.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
  keepAlive = false,
): Promise<T> {
  // One promise settled by whichever comes first (every store goes through here: no race()).
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    if (!keepAlive) timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Waits for background DLQ work at shutdown at most DLQ_SHUTDOWN_WAIT_MS; past that (a store that
 * never answers) it is left to its lease, with a WARN naming `what`.
 */
export async function waitAtShutdown(
  work: Promise<unknown>,
  what: string,
  logger: { warn(message: string): void },
): Promise<void> {
  const late = () => new Error(`did not end within ${DLQ_SHUTDOWN_WAIT_MS} ms`);
  // Kept alive: work that keeps nothing else open (a hung custom replayer) would let the process
  // exit in the middle of shutdown, before the memory store's entries are spilled.
  await withTimeout(work, DLQ_SHUTDOWN_WAIT_MS, late, true).catch((error: unknown) => {
    logger.warn(`${what} left at shutdown: ${describe(error)}`);
  });
}

/** Rethrows a module error as is; anything else (a Redis failure) as DlqUnavailableError. */
export function asUnavailable(error: unknown): never {
  if (isFastMcpError(error)) throw error;
  throw new DlqUnavailableError(error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/**
 * False for a failure no store raises (a value that is not JSON, a bug, a rejected entry):
 * writing the entry again would fail the same way.
 */
export function isStoreFailure(error: unknown): boolean {
  const unmendable = [TypeError, SyntaxError, RangeError, ReferenceError, DlqValidationError];
  return !unmendable.some((kind) => error instanceof kind);
}

/** Runs `run` so that anything it throws becomes a rejected promise, like an async method. */
export function settle<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
