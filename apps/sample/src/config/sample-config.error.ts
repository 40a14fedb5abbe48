/** One bad environment variable. */
export interface EnvIssue {
  variable: string;
  message: string;
}

/** Environment variables with bad values; the message names every one of them. */
export class SampleConfigError extends Error {
  override readonly name = 'SampleConfigError';

  constructor(readonly issues: readonly EnvIssue[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
  }
}
