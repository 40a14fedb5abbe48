import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { isFastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { FastMcpModule } from '../fastmcp.module.js';
import type { ClientCredentialsAuthOptions } from '../options/auth-options.interface.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import { resolveOptions } from '../options/resolve-options.js';
import type { Clock } from '../retry/clock.js';
import { ServerAuthRegistry } from './server-auth.registry.js';

const URL_A = 'http://127.0.0.1:9/mcp';
const clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };
const credentials: ClientCredentialsAuthOptions = {
  type: 'client_credentials',
  clientId: 'svc',
  clientSecret: 'svc-secret-value',
  issuer: 'http://127.0.0.1:9',
};

/** A provider that already holds a token (as one restored from storage would). */
function providerWithToken(token: string): OAuthClientProvider {
  let tokens: OAuthTokens | undefined = { access_token: token, token_type: 'Bearer' };
  return {
    redirectUrl: undefined,
    clientMetadata: { redirect_uris: [] },
    clientInformation: () => ({ client_id: 'c' }),
    tokens: () => tokens,
    saveTokens: (next) => void (tokens = next),
    redirectToAuthorization: () => undefined,
    saveCodeVerifier: () => undefined,
    codeVerifier: () => '',
  };
}

function registryFor(servers: Record<string, McpServerConfig>): ServerAuthRegistry {
  return new ServerAuthRegistry(resolveOptions({ servers }), clock);
}

describe('ServerAuthRegistry', () => {
  it('has no ServerAuth for a server without auth', () => {
    const registry = registryFor({ plain: { url: URL_A } });
    expect(registry.forClient('plain', { url: URL_A })).toBeUndefined();
  });

  it('gives every caller of a client id the same ServerAuth, and each client id its own', () => {
    const servers = { a: { url: URL_A, auth: credentials }, b: { url: URL_A, auth: credentials } };
    const registry = registryFor(servers);
    const first = registry.forClient('a', servers.a);
    expect(first).toBeDefined();
    // Another config object carrying the same auth object (as resolveServer builds) shares it.
    expect(registry.forClient('a', { ...servers.a, headers: { x: '1' } })).toBe(first);
    expect(registry.forClient('b', servers.b)).not.toBe(first);
  });

  it('starts over for a client id given another auth object or another server URL', () => {
    const registry = registryFor({ a: { url: URL_A, auth: credentials } });
    const first = registry.forClient('a', { url: URL_A, auth: credentials });
    const otherAuth = registry.forClient('a', { url: URL_A, auth: { ...credentials } });
    expect(otherAuth).not.toBe(first);
    const otherUrl = registry.forClient('a', { url: 'http://127.0.0.1:10/mcp', auth: credentials });
    expect(otherUrl).not.toBe(otherAuth);
    expect(registry.forClient('a', { url: 'http://127.0.0.1:10/mcp', auth: credentials })).toBe(
      otherUrl,
    );
  });

  it('sends no token before any flow, and the provider token as a Bearer header', async () => {
    const provider = providerWithToken('tok-123');
    const registry = registryFor({});
    await expect(
      registry.forClient('cc', { url: URL_A, auth: credentials })?.authorization(),
    ).resolves.toBeUndefined();
    await expect(
      registry.forClient('sdk', { url: URL_A, auth: provider })?.authorization(),
    ).resolves.toBe('Bearer tok-123');
    await provider.saveTokens({ access_token: 'tok-456', token_type: 'Bearer' });
    await expect(
      registry.forClient('sdk', { url: URL_A, auth: provider })?.authorization(),
    ).resolves.toBe('Bearer tok-456');
  });

  it('refuses at start-up one provider object for two configured client ids, naming both', () => {
    const provider = providerWithToken('tok');
    const servers = {
      a: { url: URL_A, auth: provider },
      b: { url: URL_A, auth: credentials },
      c: { url: 'http://127.0.0.1:10/mcp', auth: provider },
    };
    const error = (() => {
      try {
        return registryFor(servers);
      } catch (caught) {
        return caught;
      }
    })();
    expect(isFastMcpConfigError(error) && error.issues).toEqual([
      {
        field: 'servers.c.auth',
        comparedWith: 'servers.a.auth',
        message:
          'is the OAuthClientProvider of servers.a.auth: a provider holds one client registration and one token set, so each client id needs its own',
      },
    ]);
  });

  it('refuses a provider object in use by another client id until that one is forgotten', () => {
    const provider = providerWithToken('tok');
    const registry = registryFor({});
    expect(registry.forClient('x', { url: URL_A, auth: provider })).toBeDefined();
    const refused = (() => {
      try {
        return registry.forClient('y', { url: URL_A, auth: provider });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isFastMcpConfigError(refused) && refused.issues[0].field).toBe('servers.y.auth');
    // A client-credentials config is no provider: each client id makes its own from it.
    expect(registry.forClient('z', { url: URL_A, auth: credentials })).toBeDefined();
    expect(registry.forClient('w', { url: URL_A, auth: credentials })).toBeDefined();
    registry.forget('x');
    expect(registry.forClient('y', { url: URL_A, auth: provider })).toBeDefined();
  });

  // Its tokens were issued for the first server: the second would receive them.
  it('refuses a provider given for another server, after a disconnect too, naming the first (no credentials)', () => {
    const provider = providerWithToken('tok-for-a');
    const registry = registryFor({});
    expect(registry.forClient('x', { url: URL_A, auth: provider })).toBeDefined();
    registry.forget('x');
    const urlB = 'http://user:pw@127.0.0.1:10/mcp?key=k';
    for (const clientId of ['x', 'y']) {
      const refused = (() => {
        try {
          return registry.forClient(clientId, { url: urlB, auth: provider });
        } catch (caught) {
          return caught;
        }
      })();
      expect(isFastMcpConfigError(refused) && refused.issues).toEqual([
        {
          field: `servers.${clientId}.auth`,
          message:
            "is the OAuthClientProvider used for http://127.0.0.1:9/mcp: it holds that server's tokens, so http://127.0.0.1:10/mcp needs a provider of its own",
        },
      ]);
    }
    // The same server again, by the same or another client id: its own tokens.
    expect(registry.forClient('y', { url: URL_A, auth: provider })).toBeDefined();
  });

  it('is provided by FastMcpModule', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FastMcpModule.forRoot({ metrics: false, dlq: false })],
    }).compile();
    try {
      const registry = moduleRef.get(ServerAuthRegistry);
      expect(registry.forClient('a', { url: URL_A, auth: credentials })).toBeDefined();
    } finally {
      await moduleRef.close();
    }
  });
});
