// The authorization code is used once (RFC 6749 4.1.2: the SDK's auth() would post it again
// after an invalid_grant), and neither it nor the PKCE verifier reaches an error, a log line or
// a dead letter, even when the authorization server quotes them back.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, isMcpAuthError, type McpAuthError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { AutoConsentProvider } from '../support/oauth/auto-consent-provider.js';
import { FlowTokenOutage } from '../support/oauth/flow-token-outage.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

describe('the authorization code exchange', () => {
  let server: OAuthTestServerHandle;
  let app: ClientTestApp;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  it('posts the code once, and keeps it and the verifier out of errors, logs and the DLQ', async () => {
    const outage = new FlowTokenOutage('invalid_grant_echo');
    server = await startOAuthTestServer({ tokenOutage: outage });
    server.setTokenEndpointDown(true);
    const logger = new CapturingLogger();
    const provider = new AutoConsentProvider();
    app = await startClientApp({ servers: { notes: { url: server.url, auth: provider } } }, logger);

    const error = (await app.client
      .callToolWithRetry('notes', 'echo', { text: 'x' })
      .catch((e: unknown) => e)) as McpAuthError;
    expect(isMcpAuthError(error)).toBe(true);
    expect(outage.forms).toHaveLength(1);
    const code = outage.forms[0].get('code') ?? '';
    const verifier = outage.forms[0].get('code_verifier') ?? '';
    expect(code).toMatch(/^ac_/);
    expect(verifier).toBe(provider.codeVerifier());
    expect(error.reason).toBe(
      'authorization server error invalid_grant (code [REDACTED] (verifier [REDACTED]) is not valid)',
    );

    const { items } = await app.moduleRef.get(DeadLetterQueueService).list({ limit: 10 });
    expect(items).toHaveLength(1);
    const everywhere = [
      error.message,
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
      JSON.stringify(items),
      inspect(logger.lines, { depth: 5 }),
    ].join('\n');
    expect(everywhere).toContain('is not valid');
    expect(everywhere).not.toContain(code);
    expect(everywhere).not.toContain(verifier);
  });
});
