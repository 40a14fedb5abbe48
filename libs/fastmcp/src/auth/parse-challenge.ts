import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthChallenge } from './server-auth.interface.js';

/** What a `WWW-Authenticate: Bearer ...` challenge asks for. */
export interface ParsedChallenge {
  resourceMetadataUrl?: URL;
  scope?: string;
  error?: string;
}

/** Reads a challenge with the SDK's own parser (it takes a fetch Response). */
export function parseChallenge(challenge: AuthChallenge): ParsedChallenge {
  if (!challenge.wwwAuthenticate) return {};
  try {
    const response = new Response(null, {
      status: challenge.status,
      headers: { 'www-authenticate': challenge.wwwAuthenticate },
    });
    return extractWWWAuthenticateParams(response);
  } catch {
    // A header fetch's Headers refuses (bad characters) says nothing usable.
    return {};
  }
}

/** True for a 403 that asks for more scope. */
export function isStepUp(challenge: AuthChallenge, parsed: ParsedChallenge): boolean {
  return challenge.status === 403 && parsed.error === 'insufficient_scope';
}
