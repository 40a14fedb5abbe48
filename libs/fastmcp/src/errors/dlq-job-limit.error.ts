import { FastMcpError, hasErrorName } from './fastmcp.error.js';

/** A bulk replay job was refused: as many jobs as may run at once are running. Nothing started. */
export class DlqJobLimitError extends FastMcpError {
  override readonly name = 'DlqJobLimitError';
  readonly running: number;

  constructor(running: number, limit: number) {
    super(
      `bulk replay refused: ${running} jobs are running and at most ${limit} run at once; ` +
        'cancel one or wait for one to finish',
    );
    this.running = running;
  }
}

export const isDlqJobLimitError = (value: unknown): value is DlqJobLimitError =>
  hasErrorName(value, 'DlqJobLimitError');
