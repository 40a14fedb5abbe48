import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { OAuthResponseTooLargeError } from './auth-fetch.js';
import { displayUrl } from './display-url.js';
import { ResourceMetadataUnavailableError } from './resource-metadata-unavailable.error.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** A request's status, or what it threw (a timeout, a refused connection). */
type Outcome = number | Error;

/**
 * How one flow's requests for protected resource metadata ended. The SDK takes any failure of
 * them for "none published" and falls back to the 2025-03-26 rules (the MCP server's origin as
 * the authorization server, its default endpoints); that is only right when each got a 404
 * and the challenge named no `resource_metadata` URL.
 */
export class ResourceMetadataFetches {
  private readonly outcomes: Outcome[] = [];
  private readonly origin: string;

  constructor(
    private readonly serverUrl: string,
    private readonly metadataUrl: URL | undefined,
  ) {
    this.origin = new URL(serverUrl).origin;
  }

  /** `fetchFn`, noting the outcome of each protected resource metadata request. */
  fetchFn(fetchFn: FetchLike): FetchLike {
    return async (url, init) => {
      if (!this.isMetadataRequest(new URL(url))) return fetchFn(url, init);
      try {
        const response = await fetchFn(url, init);
        this.outcomes.push(response.status);
        return response;
      } catch (error) {
        this.outcomes.push(error as Error);
        throw error;
      }
    };
  }

  /** Throws ResourceMetadataUnavailableError for a state without metadata the server may have. */
  check(state: OAuthDiscoveryState): void {
    if (state.resourceMetadata) return;
    const failed = this.outcomes.find((outcome) => outcome !== 404);
    if (this.outcomes.length > 0 && failed === undefined && !this.metadataUrl) return;
    const outcome = this.outcomes.length > 0 ? (failed ?? 404) : undefined;
    throw new ResourceMetadataUnavailableError(
      `the protected resource metadata of ${displayUrl(this.serverUrl)} could not be read ` +
        `(${describe(outcome)}): the 2025-03-26 fallback is only for a server that publishes none`,
      isTransient(outcome),
    );
  }

  private isMetadataRequest(url: URL): boolean {
    if (this.metadataUrl) return url.href === this.metadataUrl.href;
    return url.origin === this.origin && url.pathname.startsWith(WELL_KNOWN);
  }
}

function describe(outcome: Outcome | undefined): string {
  if (outcome === undefined) return 'not requested';
  if (outcome instanceof Error) {
    // fetch's TypeError says only "fetch failed"; its cause names ECONNREFUSED and the like.
    const code = (outcome.cause as { code?: unknown } | undefined)?.code;
    return `no answer: ${typeof code === 'string' ? code : outcome.name}`;
  }
  return outcome < 300 ? `HTTP ${outcome}, not valid metadata` : `HTTP ${outcome}`;
}

function isTransient(outcome: Outcome | undefined): boolean {
  if (outcome instanceof Error) return !(outcome instanceof OAuthResponseTooLargeError);
  if (outcome === undefined) return false;
  return outcome === 408 || outcome === 429 || outcome >= 500;
}
