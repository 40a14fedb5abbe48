import type { RetryOptions, RetryOptionsInput } from './retry-options.interface.js';

/** The policy fields of a configured `retry`, without its per-operation overrides. */
export function retryPolicyFields(
  retry: RetryOptionsInput | undefined,
): Partial<RetryOptions> | undefined {
  if (!retry) return undefined;
  const fields: Partial<RetryOptions> = { ...retry };
  delete (fields as RetryOptionsInput).operations;
  return fields;
}
