// RFC 9207, as the 2026-07-28 revision requires: the authorization response's `iss` is checked
// before its code goes to any token endpoint (the defence against an authorization server mix-up).
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuthorizationResponse,
  type InteractiveOAuthClientProvider,
  isMcpAuthError,
  type McpAuthError,
} from '@app/fastmcp';
import type { ServerAuth } from '../../libs/fastmcp/src/auth/server-auth.interface.js';
import { ServerAuthRegistry } from '../../libs/fastmcp/src/auth/server-auth.registry.js';
import { resolveOptions } from '../../libs/fastmcp/src/options/resolve-options.js';
import { systemClock } from '../../libs/fastmcp/src/retry/clock.js';
import { AutoConsentProvider } from '../support/oauth/auto-consent-provider.js';
import { InMemoryOAuthProvider } from '../support/oauth/in-memory-oauth-provider.js';
import {
  authorizationServerMetadata,
  startDiscoveryServer,
  type DiscoveryServer,
} from '../support/oauth/discovery-server.js';

const PATH_PRM = '/.well-known/oauth-protected-resource/mcp';
const AS_METADATA = '/.well-known/oauth-authorization-server';

/** A callback route that hands the module the code and the `iss` it received with it. */
class IssuerForwardingProvider
  extends InMemoryOAuthProvider
  implements InteractiveOAuthClientProvider
{
  private response?: Promise<AuthorizationResponse>;

  override redirectToAuthorization(url: URL): void {
    super.redirectToAuthorization(url);
    this.response = fetch(url, { redirect: 'manual' }).then((answer) => {
      const query = new URL(answer.headers.get('location') ?? '').searchParams;
      return { code: query.get('code') ?? '', iss: query.get('iss') ?? undefined };
    });
  }

  authorizationCode(): Promise<AuthorizationResponse> {
    return this.response ?? Promise.reject(new Error('no authorization under way'));
  }
}

describe('the authorization response issuer (RFC 9207)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(options: {
    advertised: boolean;
    iss?: (origin: string) => string;
  }): Promise<DiscoveryServer> {
    const server = await startDiscoveryServer({
      documents: (origin) => ({
        [PATH_PRM]: { resource: `${origin}/mcp`, authorization_servers: [origin] },
        [AS_METADATA]: {
          ...authorizationServerMetadata(origin),
          authorization_response_iss_parameter_supported: options.advertised,
        },
      }),
      iss: options.iss,
    });
    cleanups.push(() => server.close());
    return server;
  }

  function authFor(server: DiscoveryServer, provider: InteractiveOAuthClientProvider): ServerAuth {
    const config = { url: server.url, auth: provider };
    const registry = new ServerAuthRegistry(
      resolveOptions({ servers: { notes: config } }),
      systemClock,
    );
    return registry.forClient('notes', config)!;
  }

  const tokenRequests = (server: DiscoveryServer): number =>
    server.requests.filter((r) => r.path === '/token').length;

  async function refused(server: DiscoveryServer, provider: InteractiveOAuthClientProvider) {
    const error = (await authFor(server, provider)
      .onChallenge({ status: 401, wwwAuthenticate: 'Bearer' })
      .catch((e: unknown) => e)) as McpAuthError;
    expect(isMcpAuthError(error)).toBe(true);
    return error;
  }

  it('exchanges the code when iss is the issuer, as written', async () => {
    const server = await serve({ advertised: true, iss: (origin) => origin });
    const auth = authFor(server, new IssuerForwardingProvider());

    await auth.onChallenge({ status: 401, wwwAuthenticate: 'Bearer' });
    expect(await auth.authorization()).toBe('Bearer at_discovery');
    expect(tokenRequests(server)).toBe(1);
  });

  it('sends no code anywhere when iss names another authorization server', async () => {
    const server = await serve({ advertised: true, iss: () => 'https://attacker.example' });
    const error = await refused(server, new IssuerForwardingProvider());
    expect(error.reason).toContain(
      `the authorization response names issuer https://attacker.example, not ${server.origin}`,
    );
    expect(tokenRequests(server)).toBe(0);
  });

  it('refuses a trailing slash the issuer does not have: the comparison is exact', async () => {
    const server = await serve({ advertised: true, iss: (origin) => `${origin}/` });
    await refused(server, new IssuerForwardingProvider());
    expect(tokenRequests(server)).toBe(0);
  });

  it('refuses a response without iss from a server that says it sends one', async () => {
    const server = await serve({ advertised: true });
    const error = await refused(server, new AutoConsentProvider());
    expect(error.reason).toContain('have authorizationCode() return { code, iss }');
    expect(tokenRequests(server)).toBe(0);
  });

  it('checks an iss that comes back even when the server does not advertise it', async () => {
    const server = await serve({ advertised: false, iss: () => 'https://attacker.example' });
    await refused(server, new IssuerForwardingProvider());
    expect(tokenRequests(server)).toBe(0);
  });

  it('exchanges a bare code from a server that does not advertise iss, as before', async () => {
    const server = await serve({ advertised: false });
    const auth = authFor(server, new AutoConsentProvider());

    await auth.onChallenge({ status: 401, wwwAuthenticate: 'Bearer' });
    expect(await auth.authorization()).toBe('Bearer at_discovery');
    expect(tokenRequests(server)).toBe(1);
  });
});
