/** What the protocol server's tools did, shared by every session of one server. */
export class ExecutionLog {
  private readonly runs = new Map<string, number>();
  private readonly closed = new Map<string, number>();

  /** Counts one execution of the work named `key`; returns the count so far. */
  run(key: string): number {
    const count = (this.runs.get(key) ?? 0) + 1;
    this.runs.set(key, count);
    return count;
  }

  /** How many times the work named `key` ran. */
  runsOf(key: string): number {
    return this.runs.get(key) ?? 0;
  }

  /** Notes that the tool closed its POST's SSE stream (`Date.now()`). */
  streamClosed(key: string): void {
    this.closed.set(key, Date.now());
  }

  /** When the work named `key` closed its SSE stream, if it did. */
  streamClosedAt(key: string): number | undefined {
    return this.closed.get(key);
  }
}
