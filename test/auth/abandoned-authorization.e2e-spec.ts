// A user who never completes the authorization (closes the login tab) must not hold the server
// for ever: once no call waits for that authorization, the module stops waiting (and tells the
// app through authorizationCode's signal), and the next call starts a new one.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isMcpAbortedError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { AutoConsentProvider } from '../support/oauth/auto-consent-provider.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

/** The first user walks away: that authorization never delivers a code. Later ones consent. */
class FirstUserWalksAway extends AutoConsentProvider {
  readonly signals: Array<AbortSignal | undefined> = [];

  override authorizationCode(signal?: AbortSignal): Promise<string> {
    this.signals.push(signal);
    if (this.signals.length === 1) return new Promise<string>(() => undefined);
    return super.authorizationCode();
  }
}

describe('an authorization the user never completes', () => {
  let server: OAuthTestServerHandle;
  let app: ClientTestApp;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  it('is left once no call waits for it, and the next call authorizes anew', async () => {
    server = await startOAuthTestServer();
    const provider = new FirstUserWalksAway();
    app = await startClientApp({ servers: { notes: { url: server.url, auth: provider } } });

    // The only caller gives up once the flow waits for the user's code (however long the flow
    // took to get there), and nothing else ends the call first.
    const walkedAway = new AbortController();
    const first = app.client
      .callToolWithRetry(
        'notes',
        'echo',
        { text: 'a' },
        { signal: walkedAway.signal, retry: { requestTimeoutMs: 30_000 } },
      )
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(provider.signals).toHaveLength(1), { timeout: 10_000 });
    expect(provider.signals[0]?.aborted).toBe(false);
    walkedAway.abort();
    expect(isMcpAbortedError(await first)).toBe(true);
    await expect.poll(() => provider.signals[0]?.aborted, { timeout: 5000 }).toBe(true);

    const second = await app.client.callToolWithRetry(
      'notes',
      'echo',
      { text: 'b' },
      { timeoutMs: 5_000 },
    );
    expect(second.content).toEqual([{ type: 'text', text: 'b' }]);
    expect(provider.authorizationUrls).toHaveLength(2);
    expect(server.tokenRequests.map((r) => `${r.grantType} ${r.status}`)).toEqual([
      'authorization_code 200',
    ]);
  });
});
