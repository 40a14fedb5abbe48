import { createPublicKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeJwt, jwtVerify } from 'jose';
import type { OAuthTestClient, TokenAuthMethod } from './oauth-test-server.interface.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AuthenticatedClient {
  client: OAuthTestClient;
  method: TokenAuthMethod;
}

/** What a failed client authentication says, and the credential it was sent (for echoing). */
export class ClientAuthFailure extends Error {
  constructor(
    readonly clientId: string | undefined,
    readonly presented: string,
  ) {
    super('client authentication failed');
  }
}

/**
 * Authenticates the client of a token request by the method it used: HTTP Basic, secret in the
 * body, a JWT assertion signed with its key (RFC 7523; audience the issuer or the token
 * endpoint, each assertion once), or none for a public client.
 */
export class OAuthClientAuthenticator {
  private readonly usedAssertions = new Set<string>();

  constructor(
    private readonly clients: Map<string, OAuthTestClient>,
    private readonly allowed: readonly TokenAuthMethod[],
    private readonly audiences: string[],
  ) {}

  async authenticate(req: IncomingMessage, form: URLSearchParams): Promise<AuthenticatedClient> {
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return this.bySecret(
        'client_secret_basic',
        decoded.slice(0, colon),
        decoded.slice(colon + 1),
      );
    }
    if (form.get('client_assertion_type') === JWT_BEARER) {
      return this.byAssertion(form.get('client_assertion') ?? '');
    }
    const clientId = form.get('client_id') ?? '';
    const secret = form.get('client_secret');
    if (secret !== null) return this.bySecret('client_secret_post', clientId, secret);
    const client = this.clients.get(clientId);
    if (!client || client.secret || client.publicKey || !this.allowed.includes('none')) {
      throw new ClientAuthFailure(clientId, '');
    }
    return { client, method: 'none' };
  }

  private bySecret(method: TokenAuthMethod, clientId: string, secret: string): AuthenticatedClient {
    const client = this.clients.get(clientId);
    if (!this.allowed.includes(method) || !client?.secret || client.secret !== secret) {
      throw new ClientAuthFailure(clientId, secret);
    }
    return { client, method };
  }

  private async byAssertion(assertion: string): Promise<AuthenticatedClient> {
    let clientId: string | undefined;
    try {
      clientId = decodeJwt(assertion).iss;
      const client = clientId ? this.clients.get(clientId) : undefined;
      if (!client?.publicKey || !this.allowed.includes('private_key_jwt'))
        throw new Error('no key');
      const { payload } = await jwtVerify(assertion, createPublicKey(client.publicKey), {
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.audiences,
      });
      if (!payload.jti || this.usedAssertions.has(payload.jti)) throw new Error('replayed');
      this.usedAssertions.add(payload.jti);
      return { client, method: 'private_key_jwt' };
    } catch {
      // What such a server quotes: the signature that did not verify.
      throw new ClientAuthFailure(clientId, assertion.split('.').at(-1) ?? '');
    }
  }
}
