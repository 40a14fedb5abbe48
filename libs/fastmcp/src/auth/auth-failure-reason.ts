import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { SecretScrubber } from './secret-scrubber.js';

const MAX_DETAIL = 200;

/**
 * Why an OAuth flow failed, in words safe to log: the OAuth error code (`invalid_client`) and
 * the server's description, or the failure's own message, all scrubbed of secrets.
 */
export function authFailureReason(error: unknown, scrubber: SecretScrubber): string {
  if (error instanceof OAuthError) {
    const detail = error.message ? ` (${clip(scrubber.scrub(error.message))})` : '';
    return `authorization server error ${error.errorCode}${detail}`;
  }
  if (error instanceof Error) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    const suffix = typeof code === 'string' ? ` (${code})` : '';
    return `OAuth flow failed: ${clip(scrubber.scrub(error.message))}${suffix}`;
  }
  return `OAuth flow failed: ${clip(scrubber.scrub(String(error)))}`;
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
}
