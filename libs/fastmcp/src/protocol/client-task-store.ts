import { randomUUID } from 'node:crypto';
import { ErrorCode, type Task } from '@modelcontextprotocol/sdk/types.js';
import type { Clock } from '../retry/clock.js';
import type { ServerRequestError } from './server-request-errors.js';

/**
 * Tasks one session keeps at once, working or finished. A new task takes the place of the oldest
 * finished one; when all of them still work, the request is refused (never queued).
 */
export const MAX_TASKS_PER_SESSION = 32;
/** The shortest lifetime a task gets, whatever the server asks for. */
export const MIN_TASK_TTL_MS = 1000;
/** The longest: a server cannot make the client keep a task, or a handler run, for longer. */
export const MAX_TASK_TTL_MS = 10 * 60_000;
/** The lifetime of a task whose server asked for none. */
export const DEFAULT_TASK_TTL_MS = 60_000;
/** How often the client suggests the server asks after a task (its `pollInterval`). */
export const TASK_POLL_INTERVAL_MS = 500;
/** Tasks in one page of `tasks/list`. */
export const TASKS_PER_PAGE = 10;

/** What a task's work came to: its method's result, or the JSON-RPC error that answers it. */
export type TaskOutcome = { result: Record<string, unknown> } | { error: ServerRequestError };

/** The work a task runs; `signal` aborts on `tasks/cancel`, at the task's ttl, and on close. */
export type TaskWork = (signal: AbortSignal, taskId: string) => Promise<TaskOutcome>;

/** Abort reasons of a task's work (made once: no stack per task). */
const CANCELLED = new Error('the server cancelled the task');
const EXPIRED = new Error("the task's ttl ran out");
const CLOSED = new Error('the session ended');

/** What `tasks/result` of a cancelled task returns: the request was never answered. */
const CANCELLED_OUTCOME: TaskOutcome = {
  error: { code: ErrorCode.InternalError, message: 'The task was cancelled' },
};
/** The outcome of work that broke its contract (it rejected): never the work's own words. */
const BROKEN_OUTCOME: TaskOutcome = {
  error: { code: ErrorCode.InternalError, message: 'The task failed' },
};

const TERMINAL = new Set<Task['status']>(['completed', 'failed', 'cancelled']);

export function isTerminal(status: Task['status']): boolean {
  return TERMINAL.has(status);
}

interface Entry {
  /** Creation order: the `tasks/list` cursor names the last one a page held. */
  readonly seq: number;
  task: Task;
  outcome?: TaskOutcome;
  /** The work's signal. */
  readonly work: AbortController;
  /** Ends the wait for the task's ttl. */
  readonly expiry: AbortController;
  /** `tasks/result` requests waiting for the task to finish (or be forgotten). */
  readonly waiters: Set<() => void>;
}

/**
 * The tasks a server gave the client on one 2025-11-25 session (task-augmented elicitation and
 * sampling): their status, their outcome once known, and a bound on both their number and their
 * lifetime, so a hostile server cannot make the client hold on to work or results. A task is
 * forgotten, its work aborted if it still runs, when its ttl (from its creation) runs out, and
 * every task when the session ends (`close`). Task ids are random UUIDs: the store is the
 * session's alone, and an id cannot be guessed.
 */
export class ClientTaskStore {
  private readonly entries = new Map<string, Entry>();
  private seq = 0;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /**
   * Starts `work` as a new task that lives `requestedTtlMs` (kept between MIN_TASK_TTL_MS and
   * MAX_TASK_TTL_MS; DEFAULT_TASK_TTL_MS when absent). Undefined when the session is full of
   * working tasks, or over.
   */
  create(requestedTtlMs: number | undefined, work: TaskWork): Task | undefined {
    if (this.closed || !this.makeRoom()) return undefined;
    const ttl = Math.round(
      Math.min(Math.max(requestedTtlMs ?? DEFAULT_TASK_TTL_MS, MIN_TASK_TTL_MS), MAX_TASK_TTL_MS),
    );
    const now = this.timestamp();
    const taskId = randomUUID();
    this.seq += 1;
    const entry: Entry = {
      seq: this.seq,
      task: {
        taskId,
        status: 'working',
        ttl,
        createdAt: now,
        lastUpdatedAt: now,
        pollInterval: TASK_POLL_INTERVAL_MS,
      },
      work: new AbortController(),
      expiry: new AbortController(),
      waiters: new Set(),
    };
    this.entries.set(taskId, entry);
    void this.clock.sleep(ttl, entry.expiry.signal).then(
      () => this.forget(entry, EXPIRED),
      () => undefined,
    );
    void Promise.resolve()
      .then(() => work(entry.work.signal, taskId))
      .then(
        (outcome) => this.finish(entry, outcome),
        () => this.finish(entry, BROKEN_OUTCOME),
      );
    return { ...entry.task };
  }

  /** The task as it is now; undefined when unknown or forgotten. */
  get(taskId: string): Task | undefined {
    const entry = this.entries.get(taskId);
    return entry && { ...entry.task };
  }

  /**
   * A page of the session's tasks, oldest first, after `cursor` (from the previous page); undefined
   * for a cursor this store never gave.
   */
  list(cursor?: string): { tasks: Task[]; nextCursor?: string } | undefined {
    let after = 0;
    if (cursor !== undefined) {
      if (!/^[1-9]\d{0,14}$/.test(cursor) || Number(cursor) > this.seq) return undefined;
      after = Number(cursor);
    }
    const following = [...this.entries.values()].filter((entry) => entry.seq > after);
    const page = following.slice(0, TASKS_PER_PAGE);
    const last = page.at(-1);
    const more = following.length > page.length && last !== undefined;
    return {
      tasks: page.map((entry) => ({ ...entry.task })),
      ...(more ? { nextCursor: String(last.seq) } : {}),
    };
  }

  /**
   * Cancels a working task: `cancelled` at once, its work's signal aborted (with `reason`); what
   * the work returns later is ignored. Undefined when the task is unknown or already finished.
   */
  cancel(taskId: string, reason: Error = CANCELLED): Task | undefined {
    const entry = this.entries.get(taskId);
    if (!entry || isTerminal(entry.task.status)) return undefined;
    this.settle(entry, 'cancelled', CANCELLED_OUTCOME, 'The task was cancelled by request.');
    entry.work.abort(reason);
    return { ...entry.task };
  }

  /**
   * The task's outcome once it finished: at once when it has, else when it does. Undefined when
   * the task is unknown, or forgotten (its ttl, the session's end) before it finished. Rejects
   * with the signal's reason when `signal` aborts first.
   */
  async outcome(taskId: string, signal: AbortSignal): Promise<TaskOutcome | undefined> {
    const entry = this.entries.get(taskId);
    if (!entry) return undefined;
    if (!entry.outcome) await untilFinished(entry, signal);
    return this.entries.get(taskId) === entry ? entry.outcome : undefined;
  }

  /** Forgets every task, aborting the work of those that still run; no task is created after. */
  close(): void {
    this.closed = true;
    for (const entry of [...this.entries.values()]) this.forget(entry, CLOSED);
  }

  /** Frees a place for a new task: true when one is free, or the oldest finished task gave its. */
  private makeRoom(): boolean {
    if (this.entries.size < MAX_TASKS_PER_SESSION) return true;
    for (const entry of this.entries.values()) {
      if (!isTerminal(entry.task.status)) continue;
      this.forget(entry, EXPIRED);
      return true;
    }
    return false;
  }

  private finish(entry: Entry, outcome: TaskOutcome): void {
    // Cancelled, or forgotten, meanwhile: it stays as it is.
    if (entry.outcome || this.entries.get(entry.task.taskId) !== entry) return;
    if ('result' in outcome) this.settle(entry, 'completed', outcome);
    else this.settle(entry, 'failed', outcome, outcome.error.message);
  }

  private settle(
    entry: Entry,
    status: Task['status'],
    outcome: TaskOutcome,
    statusMessage?: string,
  ): void {
    entry.outcome = outcome;
    entry.task = {
      ...entry.task,
      status,
      ...(statusMessage === undefined ? {} : { statusMessage }),
      lastUpdatedAt: this.timestamp(),
    };
    wake(entry);
  }

  /** Drops a task: its ttl's wait ends (a no-op once the wait is over) and its work is aborted. */
  private forget(entry: Entry, reason: Error): void {
    if (this.entries.get(entry.task.taskId) !== entry) return;
    this.entries.delete(entry.task.taskId);
    entry.expiry.abort();
    entry.work.abort(reason);
    wake(entry);
  }

  private timestamp(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

function wake(entry: Entry): void {
  for (const waiter of entry.waiters) waiter();
  entry.waiters.clear();
}

/**
 * Resolves once the task finishes or is forgotten; rejects when `signal` aborts first. A waiter
 * that gives up leaves nothing behind: a server that asks and cancels again and again holds no
 * memory for it.
 */
function untilFinished(entry: Entry, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      entry.waiters.delete(done);
      reject(signal.reason as Error);
    };
    const done = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    entry.waiters.add(done);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
