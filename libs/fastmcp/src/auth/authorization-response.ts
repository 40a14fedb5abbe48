import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { AuthorizationResponse } from '../options/auth-options.interface.js';
import { displayUrl } from './display-url.js';

/**
 * The code, once the response passed RFC 9207 section 2.4, which the 2026-07-28 revision
 * requires before the code goes to any token endpoint (the defence against a mix-up with another
 * authorization server): an `iss` must equal the metadata's issuer as written, and one the
 * server advertises it sends must be there. A bare string is a response without `iss`.
 */
export function checkedCode(
  response: string | AuthorizationResponse,
  metadata: AuthorizationServerMetadata | undefined,
): string {
  const { code, iss } = typeof response === 'string' ? { code: response } : response;
  // Without metadata there is no issuer to compare with (the flow refuses that case earlier).
  if (metadata === undefined) return code;
  const issuer = metadata.issuer;
  if (iss === undefined) {
    if (!advertisesIss(metadata)) return code;
    throw new Error(
      `the authorization server ${displayUrl(issuer)} sends iss in its authorization response ` +
        '(RFC 9207), but none came back: have authorizationCode() return { code, iss } with ' +
        "the callback's iss parameter",
    );
  }
  if (iss === issuer) return code;
  throw new Error(
    `the authorization response names issuer ${displayUrl(iss)}, not ${displayUrl(issuer)}, ` +
      'the authorization server the user was sent to: its code is not used (RFC 9207)',
  );
}

/** RFC 9207 section 3: only a literal `true` counts (the SDK's schema keeps unknown fields). */
function advertisesIss(metadata: AuthorizationServerMetadata): boolean {
  const fields: Record<string, unknown> = metadata;
  return fields.authorization_response_iss_parameter_supported === true;
}
