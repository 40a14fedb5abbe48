import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError, type McpAuthError } from '@app/fastmcp';
import type { ServerAuth } from '../../libs/fastmcp/src/auth/server-auth.interface.js';
import { ServerAuthRegistry } from '../../libs/fastmcp/src/auth/server-auth.registry.js';
import { resolveOptions } from '../../libs/fastmcp/src/options/resolve-options.js';
import { systemClock } from '../../libs/fastmcp/src/retry/clock.js';
import { AutoConsentProvider } from '../support/oauth/auto-consent-provider.js';
import {
  authorizationServerMetadata,
  startDiscoveryServer,
  type DiscoveryServer,
  type DiscoveryServerOptions,
} from '../support/oauth/discovery-server.js';

const ROOT_PRM = '/.well-known/oauth-protected-resource';
const PATH_PRM = '/.well-known/oauth-protected-resource/mcp';
const AS_METADATA = '/.well-known/oauth-authorization-server';

/** A provider that keeps its discovery state, as one restored across restarts would. */
class CachingProvider extends AutoConsentProvider {
  readonly savedStates: OAuthDiscoveryState[] = [];

  constructor(private cached?: OAuthDiscoveryState) {
    super();
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.cached;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.savedStates.push(state);
    this.cached = state;
  }
}

function withoutPkce(origin: string): Record<string, unknown> {
  const metadata = authorizationServerMetadata(origin);
  delete metadata.code_challenge_methods_supported;
  return metadata;
}

describe('OAuth discovery: where metadata came from, and the app provider hooks', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(documents: DiscoveryServerOptions['documents']): Promise<DiscoveryServer> {
    const server = await startDiscoveryServer({ documents });
    cleanups.push(() => server.close());
    return server;
  }

  /** The ServerAuth the module's registry makes for the provider. */
  function authFor(
    server: DiscoveryServer,
    provider: AutoConsentProvider,
    url = server.url,
  ): ServerAuth {
    const config = { url, auth: provider };
    const registry = new ServerAuthRegistry(
      resolveOptions({ servers: { notes: config } }),
      systemClock,
    );
    return registry.forClient('notes', config)!;
  }

  function tokenResources(server: DiscoveryServer): Array<string | null | undefined> {
    return server.requests.filter((r) => r.path === '/token').map((r) => r.form?.get('resource'));
  }

  it('uses root metadata naming the origin (the path-aware URL gave none), and sends the server URL as resource', async () => {
    const server = await serve((origin) => ({
      [ROOT_PRM]: { resource: origin, authorization_servers: [origin] },
      [AS_METADATA]: authorizationServerMetadata(origin),
    }));
    const provider = new AutoConsentProvider();
    const auth = authFor(server, provider);

    await auth.onChallenge({ status: 401, wwwAuthenticate: 'Bearer' });
    expect(await auth.authorization()).toBe('Bearer at_discovery');
    expect(server.requests.slice(0, 2).map((r) => r.path)).toEqual([PATH_PRM, ROOT_PRM]);
    expect(provider.authorizationUrls.map((url) => url.searchParams.get('resource'))).toEqual([
      server.url,
    ]);
    expect(tokenResources(server)).toEqual([server.url]);
  });

  it('sends a server at a bare origin as resource without a trailing slash, as its metadata writes it', async () => {
    const server = await serve((origin) => ({
      [ROOT_PRM]: { resource: origin, authorization_servers: [origin] },
      [AS_METADATA]: authorizationServerMetadata(origin),
    }));
    const provider = new AutoConsentProvider();
    const auth = authFor(server, provider, server.origin);

    await auth.onChallenge({ status: 401, wwwAuthenticate: 'Bearer' });
    expect(await auth.authorization()).toBe('Bearer at_discovery');
    expect(provider.authorizationUrls.map((url) => url.searchParams.get('resource'))).toEqual([
      server.origin,
    ]);
    expect(tokenResources(server)).toEqual([server.origin]);
  });

  it("keeps the metadata's trailing slash when it writes one for the server", async () => {
    const server = await serve((origin) => ({
      [ROOT_PRM]: { resource: `${origin}/`, authorization_servers: [origin] },
      [AS_METADATA]: authorizationServerMetadata(origin),
    }));
    const provider = new AutoConsentProvider();
    const auth = authFor(server, provider, server.origin);

    await auth.onChallenge({ status: 401, wwwAuthenticate: 'Bearer' });
    expect(tokenResources(server)).toEqual([`${server.origin}/`]);
  });

  it('refuses metadata from the resource_metadata URL that names the origin, not the server URL', async () => {
    const server = await serve((origin) => ({
      [ROOT_PRM]: { resource: origin, authorization_servers: [origin] },
      [AS_METADATA]: authorizationServerMetadata(origin),
    }));
    const provider = new AutoConsentProvider();
    const error = (await authFor(server, provider)
      .onChallenge({
        status: 401,
        wwwAuthenticate: `Bearer resource_metadata="${server.origin}${ROOT_PRM}"`,
      })
      .catch((e: unknown) => e)) as McpAuthError;

    expect(isMcpAuthError(error)).toBe(true);
    expect(error.reason).toBe(
      `OAuth flow failed: the protected resource metadata names resource ${server.origin}, ` +
        'not this server: not used (RFC 9728 3.3)',
    );
    expect(provider.authorizationUrls).toEqual([]);
    expect(server.requests.map((r) => r.path)).not.toContain('/register');
  });

  it("hands the app's saveDiscoveryState only what passed the checks", async () => {
    const server = await serve((origin) => ({
      [PATH_PRM]: { resource: `${origin}/mcp`, authorization_servers: [origin] },
      [AS_METADATA]: withoutPkce(origin),
    }));
    const provider = new CachingProvider();
    const error = await authFor(server, provider)
      .onChallenge({ status: 401, wwwAuthenticate: 'Bearer' })
      .catch((e: unknown) => e);

    expect(isMcpAuthError(error)).toBe(true);
    expect(provider.savedStates).toEqual([]);
    expect(provider.authorizationUrls).toEqual([]);
  });

  it("discovers again when the app's cached discovery state fails the checks", async () => {
    const server = await serve((origin) => ({
      [PATH_PRM]: { resource: `${origin}/mcp`, authorization_servers: [origin] },
      [AS_METADATA]: authorizationServerMetadata(origin),
    }));
    // Saved by an older version: metadata without PKCE support, for this very server.
    const provider = new CachingProvider({
      authorizationServerUrl: server.origin,
      resourceMetadata: { resource: server.url, authorization_servers: [server.origin] },
      authorizationServerMetadata: withoutPkce(
        server.origin,
      ) as OAuthDiscoveryState['authorizationServerMetadata'],
    });
    const auth = authFor(server, provider);

    await auth.onChallenge({ status: 401, wwwAuthenticate: 'Bearer' });
    expect(await auth.authorization()).toBe('Bearer at_discovery');
    expect(server.requests.map((r) => r.path)).toContain(AS_METADATA);
    // Discovered and saved once; the code exchange then runs on that (checked) state.
    const saved = provider.savedStates.map((state) => state.authorizationServerMetadata);
    expect(saved).toEqual([
      expect.objectContaining({ code_challenge_methods_supported: ['S256'] }),
    ]);
  });
});
