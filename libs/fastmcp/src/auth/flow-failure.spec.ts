import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InMemoryOAuthProvider } from '../../../../test/support/oauth/in-memory-oauth-provider.js';
import { flowFailure } from './flow-failure.js';

describe('flowFailure', () => {
  it("scrubs a registered client's secret quoted back as its client_secret_basic credential", async () => {
    const provider = new InMemoryOAuthProvider();
    provider.saveClientInformation({
      client_id: 'dyn-client',
      client_secret: 'dyn-secret-0123456789',
    });
    const basic = Buffer.from('dyn-client:dyn-secret-0123456789').toString('base64');
    const refused = new Error(`invalid_client: unknown credential ${basic}`);

    const error = await flowFailure(refused, 401, {
      provider,
      serverUrl: 'http://127.0.0.1:1/mcp',
      server: 's',
      secrets: [],
    });

    expect(error.message).toContain('invalid_client: unknown credential [REDACTED]');
    for (const text of [error.message, error.reason, inspect(error, { depth: 10 })]) {
      expect(text).not.toContain(basic);
    }
  });
});
