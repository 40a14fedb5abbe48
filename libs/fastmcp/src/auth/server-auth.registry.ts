import { Inject, Injectable } from '@nestjs/common';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { type ConfigIssue, FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type {
  ClientCredentialsAuthOptions,
  McpServerAuthOptions,
} from '../options/auth-options.interface.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import { type Clock, FASTMCP_CLOCK } from '../retry/clock.js';
import { checkedProvider } from './checked-provider.js';
import { targetSecrets } from './configured-secrets.js';
import {
  clientCredentialsSecrets,
  createClientCredentialsProvider,
} from './client-credentials-provider.js';
import { OAuthServerAuth } from './oauth-server-auth.js';
import type { ServerAuth } from './server-auth.interface.js';
import { canonicalResource } from './discovery-resource.js';
import { displayUrl } from './display-url.js';

interface Entry {
  auth: McpServerAuthOptions;
  url: string;
  serverAuth: ServerAuth;
}

/**
 * One ServerAuth per client id, so every caller of a client id shares its tokens and its
 * flows. A client id given another auth object or another server URL gets a new one. An app's
 * provider object serves one client id only: it holds one client registration, one PKCE
 * verifier and one token set, which two client ids' flows would overwrite for each other.
 */
@Injectable()
export class ServerAuthRegistry {
  private readonly byClientId = new Map<string, Entry>();
  /** The server (canonical resource) each app provider was first used for: its tokens are its. */
  private readonly providerServers = new WeakMap<McpServerAuthOptions, string>();

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(FASTMCP_CLOCK) private readonly clock: Clock,
  ) {
    // At start-up for the configured servers; forClient checks the ones given at connect.
    const owners = new Map<McpServerAuthOptions, string>();
    const issues: ConfigIssue[] = [];
    for (const [clientId, { auth }] of Object.entries(options.servers)) {
      if (!auth || isClientCredentials(auth)) continue;
      const owner = owners.get(auth);
      if (owner) issues.push(sharedProviderIssue(clientId, owner));
      else owners.set(auth, clientId);
    }
    if (issues.length > 0) throw new FastMcpConfigError(issues);
  }

  /** The ServerAuth of `clientId` on `server`; undefined when the server has no `auth`. */
  forClient(clientId: string, server: McpServerConfig): ServerAuth | undefined {
    const auth = server.auth;
    if (!auth) return undefined;
    const cached = this.byClientId.get(clientId);
    if (cached && cached.auth === auth && cached.url === server.url) return cached.serverAuth;
    const owner = this.providerOwner(clientId, auth);
    if (owner) throw new FastMcpConfigError([sharedProviderIssue(clientId, owner)]);
    this.bindProvider(clientId, auth, server.url);
    const serverAuth = this.create(clientId, server, auth);
    this.byClientId.set(clientId, { auth, url: server.url, serverAuth });
    return serverAuth;
  }

  /** How many client ids have a ServerAuth now. */
  get clientCount(): number {
    return this.byClientId.size;
  }

  /**
   * Drops the client id's ServerAuth (its provider, secrets and tokens). A connection still open
   * keeps the one in its target; the next connect makes another.
   */
  forget(clientId: string): void {
    this.byClientId.delete(clientId);
  }

  /** Another client id `auth`, an app's provider, belongs to: configured, or in use. */
  private providerOwner(clientId: string, auth: McpServerAuthOptions): string | undefined {
    if (isClientCredentials(auth)) return undefined;
    const holders = [
      ...Object.entries(this.options.servers).map(([id, server]) => [id, server.auth] as const),
      ...[...this.byClientId].map(([id, entry]) => [id, entry.auth] as const),
    ];
    return holders.find(([id, held]) => id !== clientId && held === auth)?.[0];
  }

  /**
   * Binds an app's provider to the server it is first used for: after a disconnect, the same
   * provider given for another server would send it the first server's tokens.
   */
  private bindProvider(clientId: string, auth: McpServerAuthOptions, url: string): void {
    if (isClientCredentials(auth)) return;
    const resource = canonicalResource(url).href;
    const bound = this.providerServers.get(auth);
    if (bound === undefined) {
      this.providerServers.set(auth, resource);
      return;
    }
    if (bound === resource) return;
    throw new FastMcpConfigError([
      {
        field: `servers.${clientId}.auth`,
        message: `is the OAuthClientProvider used for ${displayUrl(bound)}: it holds that server's tokens, so ${displayUrl(resource)} needs a provider of its own`,
      },
    ]);
  }

  private create(
    clientId: string,
    server: McpServerConfig,
    auth: McpServerAuthOptions,
  ): ServerAuth {
    const credentials = isClientCredentials(auth) ? auth : undefined;
    const provider: OAuthClientProvider = credentials
      ? createClientCredentialsProvider(credentials)
      : (auth as OAuthClientProvider);
    return new OAuthServerAuth({
      provider: checkedProvider(provider, server.url),
      serverUrl: server.url,
      clientId,
      now: () => this.clock.now(),
      requestTimeoutMs: server.retry?.requestTimeoutMs ?? this.options.retry.requestTimeoutMs,
      // The server's header values too: a step-up scope or a token error may echo them.
      secrets: [
        ...(credentials ? clientCredentialsSecrets(credentials) : []),
        ...targetSecrets(server.headers, server.url),
      ],
      issuer: credentials?.issuer,
    });
  }
}

function sharedProviderIssue(clientId: string, owner: string): ConfigIssue {
  return {
    field: `servers.${clientId}.auth`,
    comparedWith: `servers.${owner}.auth`,
    message: `is the OAuthClientProvider of servers.${owner}.auth: a provider holds one client registration and one token set, so each client id needs its own`,
  };
}

export function isClientCredentials(
  auth: McpServerAuthOptions,
): auth is ClientCredentialsAuthOptions {
  return (auth as Partial<ClientCredentialsAuthOptions>).type === 'client_credentials';
}
