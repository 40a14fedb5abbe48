import { FastMcpError, hasErrorName } from './fastmcp.error.js';

export interface ConfigIssue {
  /** Dotted path of the option, e.g. `retry.jitter` or `servers.github.url`. */
  field: string;
  message: string;
  /** The other option of a comparison (`retry.initialDelayMs` when `maxDelayMs` is below it). */
  comparedWith?: string;
}

/**
 * The module options are invalid, or what one call was given (its tool name, arguments or
 * options: `subject` 'call'). Lists every bad field at once.
 */
export class FastMcpConfigError extends FastMcpError {
  override readonly name = 'FastMcpConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], subject: 'options' | 'call' = 'options') {
    const listed = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    super(
      subject === 'call' ? `Invalid call: ${listed}` : `Invalid FastMcpModule options: ${listed}`,
    );
    this.issues = issues;
  }
}

export const isFastMcpConfigError = (value: unknown): value is FastMcpConfigError =>
  hasErrorName(value, 'FastMcpConfigError');
