import type { InteractiveOAuthClientProvider } from '@app/fastmcp';
import { InMemoryOAuthProvider } from './in-memory-oauth-provider.js';

/**
 * An InteractiveOAuthClientProvider whose "user" consents at once: the authorization URL is
 * opened (redirects not followed) and the code is read from the redirect, as an app's callback
 * route would receive it.
 */
export class AutoConsentProvider
  extends InMemoryOAuthProvider
  implements InteractiveOAuthClientProvider
{
  private pending?: Promise<string>;

  override redirectToAuthorization(url: URL): void {
    super.redirectToAuthorization(url);
    this.pending = fetch(url, { redirect: 'manual' }).then((response) => {
      const location = response.headers.get('location');
      const code = location ? new URL(location).searchParams.get('code') : null;
      if (!code) throw new Error(`the authorization server gave no code (HTTP ${response.status})`);
      return code;
    });
  }

  authorizationCode(): Promise<string> {
    const pending = this.pending;
    this.pending = undefined;
    return pending ?? Promise.reject(new Error('no authorization under way'));
  }
}
