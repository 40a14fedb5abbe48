import type { ResolvedFastMcpOptions } from './fastmcp-options.interface.js';
import type { OptionChecks } from './option-checks.js';

/** The smallest answer cap allowed: an initialize result must fit. */
export const MIN_RESPONSE_BYTES = 1024;
/** The largest: V8 cannot hold a longer string, so a bigger JSON answer could not be parsed. */
export const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

/** Checks `maxResponseBytes` (module and servers) and `maxBufferedResponseBytes`. */
export function checkResponseLimits(checks: OptionChecks, resolved: ResolvedFastMcpOptions): void {
  const caps: Array<[string, unknown]> = [['maxResponseBytes', resolved.maxResponseBytes]];
  for (const [clientId, server] of Object.entries(resolved.servers)) {
    const cap = (server as { maxResponseBytes?: unknown } | null)?.maxResponseBytes;
    if (cap !== undefined) caps.push([`servers.${clientId}.maxResponseBytes`, cap]);
  }
  for (const [field, cap] of caps) {
    checks.integer(field, cap, MIN_RESPONSE_BYTES, MAX_RESPONSE_BYTES);
  }
  const budget = resolved.maxBufferedResponseBytes;
  checks.integer('maxBufferedResponseBytes', budget, MIN_RESPONSE_BYTES);
  for (const [field, cap] of caps) {
    if (typeof cap === 'number' && typeof budget === 'number' && cap > budget) {
      checks.fail(
        'maxBufferedResponseBytes',
        `must be at least ${field} (${cap}), or no answer could reach that size`,
      );
    }
  }
}
