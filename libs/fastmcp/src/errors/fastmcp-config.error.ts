import { FastMcpError, hasErrorName } from './fastmcp.error.js';

export interface ConfigIssue {
  /** Dotted path of the option, e.g. `retry.jitter` or `servers.github.url`. */
  field: string;
  message: string;
  /** The other option of a comparison (`retry.initialDelayMs` when `maxDelayMs` is below it). */
  comparedWith?: string;
}

/** The module options are invalid. Lists every bad field at once. */
export class FastMcpConfigError extends FastMcpError {
  override readonly name = 'FastMcpConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `Invalid FastMcpModule options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    );
    this.issues = issues;
  }
}

export const isFastMcpConfigError = (value: unknown): value is FastMcpConfigError =>
  hasErrorName(value, 'FastMcpConfigError');
