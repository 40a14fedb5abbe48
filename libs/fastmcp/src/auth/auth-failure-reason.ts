import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { OAuthOriginRefusedError, OAuthResponseTooLargeError } from './auth-fetch.js';
import { MAX_SCRUB_LENGTH, type SecretScrubber } from './secret-scrubber.js';

const MAX_DETAIL = 200;
/** The SDK quotes a non-OAuth error body (parse error, raw body) after this: never in a reason. */
const RAW_BODY = /Invalid OAuth error response: [\s\S]*$/;

/**
 * Why an OAuth flow failed, in words safe to log: the OAuth error code (`invalid_client`) and
 * the server's description, or the failure's own message, all scrubbed of secrets.
 */
export function authFailureReason(error: unknown, scrubber: SecretScrubber): string {
  if (error instanceof OAuthResponseTooLargeError || error instanceof OAuthOriginRefusedError) {
    return error.message;
  }
  if (error instanceof OAuthError) {
    const detail = error.message ? ` (${clip(scrubber, error.message)})` : '';
    return `authorization server error ${error.errorCode}${detail}`;
  }
  if (error instanceof Error) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    const suffix = typeof code === 'string' ? ` (${code})` : '';
    return `OAuth flow failed: ${clip(scrubber, error.message)}${suffix}`;
  }
  return `OAuth flow failed: ${clip(scrubber, String(error))}`;
}

/** Cut to a bounded length before scrubbing (the scrubber cuts it safely), and after. */
function clip(scrubber: SecretScrubber, text: string): string {
  const head = text
    .slice(0, MAX_SCRUB_LENGTH + 1)
    .replace(RAW_BODY, 'not an OAuth error response (body omitted)');
  const scrubbed = scrubber.scrub(head);
  return scrubbed.length > MAX_DETAIL ? `${scrubbed.slice(0, MAX_DETAIL)}...` : scrubbed;
}
