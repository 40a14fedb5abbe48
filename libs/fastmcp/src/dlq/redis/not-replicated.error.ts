/**
 * `WAIT` after a script reached fewer replicas than asked within its timeout. The script ran on
 * the master all the same: `reply` is its answer, so the caller can undo what it wrote.
 */
export class NotReplicatedError extends Error {
  constructor(
    readonly reply: unknown,
    reached: number,
    replicas: { count: number; timeoutMs: number },
  ) {
    super(
      `not replicated: WAIT reached ${reached} of ${replicas.count} replicas in ${replicas.timeoutMs} ms`,
    );
    this.name = 'NotReplicatedError';
  }
}
