import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { isMcpAuthError, McpAuthError } from '../errors/mcp-auth.error.js';
import { authFailureReason } from './auth-failure-reason.js';
import { urlSecrets } from './configured-secrets.js';
import { ResourceMetadataUnavailableError } from './resource-metadata-unavailable.error.js';
import { basicAuthForms } from './secret-forms.js';
import { SecretScrubber } from './secret-scrubber.js';

export interface FlowFailureContext {
  provider: OAuthClientProvider;
  /** The MCP server's URL, and as shown in errors. */
  serverUrl: string;
  server: string;
  clientId?: string;
  /**
   * What else the flow knows that is secret: configured credentials, the tokens held before,
   * the authorization code and the PKCE verifier.
   */
  secrets: ReadonlyArray<string | undefined>;
}

/**
 * An OAuth flow's failure as McpAuthError (one already is stays as it is): the reason and the
 * cause scrubbed of `secrets`, the tokens and client secret the provider holds now (also in its
 * `client_secret_basic` form) and the server URL's credentials.
 */
export async function flowFailure(
  error: unknown,
  status: number,
  { provider, serverUrl, server, clientId, secrets }: FlowFailureContext,
): Promise<McpAuthError> {
  if (isMcpAuthError(error)) return error;
  const now = await Promise.resolve()
    .then(() => provider.tokens())
    .catch(() => undefined);
  const client = await Promise.resolve()
    .then(() => provider.clientInformation())
    .catch(() => undefined);
  const scrubber = new SecretScrubber([
    ...secrets,
    now?.access_token,
    now?.refresh_token,
    client?.client_secret,
    // A registered client's secret as `client_secret_basic` sent it, quoted back by the server.
    ...(client?.client_secret ? basicAuthForms(client.client_id, client.client_secret) : []),
    ...urlSecrets(serverUrl),
  ]);
  return new McpAuthError(status, server, authFailureReason(error, scrubber), {
    clientId,
    cause: scrubber.scrubError(error),
    transient: error instanceof ResourceMetadataUnavailableError && error.transient,
  });
}
