import type {
  OAuthClientProvider,
  OAuthDiscoveryState,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { checkDiscovery } from './discovery-checks.js';
import { resourceIndicator } from './discovery-resource.js';

type DiscoveryHooks = Required<
  Pick<OAuthClientProvider, 'discoveryState' | 'saveDiscoveryState' | 'validateResourceURL'>
>;

/**
 * The app's provider, plus the discovery checks the SDK's `auth()` does not make, through the
 * hooks it calls on every flow:
 * - `saveDiscoveryState(state)`, called once discovery is done and before any registration,
 *   redirect or token request, refuses what must not be used (see checkDiscovery); the app's
 *   own hook then gets only what passed.
 * - `discoveryState()`, read first (a cached state skips discovery and that call), hands the
 *   SDK the app's cached state only when it is complete and passes the same checks.
 * - `validateResourceURL()` makes `resource` always the server's canonical URI (resourceIndicator),
 *   also without protected resource metadata (the SDK then sends none), unless the app's own
 *   hook names one.
 * Every other member, the app's extensions included (`authorizationCode`, `widenScope`), is read
 * from and called on the app's object, so its getters and private fields work as before.
 */
export function checkedProvider<P extends OAuthClientProvider>(provider: P, serverUrl: string): P {
  const check = (state: OAuthDiscoveryState): void =>
    checkDiscovery(state, { serverUrl, redirectsUser: Boolean(provider.redirectUrl) });
  const hooks: DiscoveryHooks = {
    discoveryState: async () => {
      const cached = await provider.discoveryState?.();
      if (!cached?.authorizationServerMetadata) return undefined;
      try {
        check(cached);
        return cached;
      } catch {
        // Discovered again, and checked when it is saved.
        return undefined;
      }
    },
    saveDiscoveryState: async (state) => {
      check(state);
      await provider.saveDiscoveryState?.(state);
    },
    validateResourceURL: async (url, resource) =>
      (await provider.validateResourceURL?.(url, resource)) ??
      // The SDK sends a string as it is (a URL by its href, which gives a pathless one a "/").
      (resourceIndicator(url, resource) as unknown as URL),
  };
  return new Proxy(provider, {
    get(target, key) {
      if (Object.hasOwn(hooks, key)) return hooks[key as keyof DiscoveryHooks];
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}
