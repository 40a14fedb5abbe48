import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveOnLoopback } from '../loopback-server.js';
import { readText, sendJson } from './http-io.js';

export interface DiscoveryServerOptions {
  /**
   * The JSON documents served, by path (metadata at well-known URLs, or wherever a
   * `resource_metadata` URL points), given the server's origin. Every other GET answers 404.
   */
  documents(origin: string): Record<string, object>;
  /** The `iss` the authorization response carries (RFC 9207), given the origin. Default: none. */
  iss?(origin: string): string;
}

/** One request the server received. */
export interface DiscoveryRequest {
  method: string;
  path: string;
  /** The fields of a form POST (the token request). */
  form?: URLSearchParams;
}

export interface DiscoveryServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly origin: string;
  /** The MCP endpoint, `${origin}/mcp`. */
  readonly url: string;
  readonly requests: DiscoveryRequest[];
  close(): Promise<void>;
}

/**
 * An MCP server that is its own authorization server, for discovery tests on 127.0.0.1: it
 * serves the metadata documents it is given, registers any client, consents at once on
 * /authorize (redirect with a code) and gives a token on /token. It records every request.
 */
export async function startDiscoveryServer(
  options: DiscoveryServerOptions,
): Promise<DiscoveryServer> {
  const requests: DiscoveryRequest[] = [];
  let origin = '';
  const server = await serveOnLoopback(async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const request: DiscoveryRequest = { method: req.method ?? 'GET', path: url.pathname };
    requests.push(request);
    const body = await readText(req);
    if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      request.form = new URLSearchParams(body);
    }
    answer(`${request.method} ${url.pathname}`, url, body, res, {
      documents: options.documents(origin),
      iss: options.iss?.(origin),
    });
  });
  origin = `http://127.0.0.1:${server.port}`;
  return { origin, url: `${origin}/mcp`, requests, close: () => server.close() };
}

/** The authorization server metadata such a server serves at its origin's well-known URL. */
export function authorizationServerMetadata(origin: string): Record<string, unknown> {
  return {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/register`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
  };
}

function answer(
  route: string,
  url: URL,
  body: string,
  res: ServerResponse<IncomingMessage>,
  { documents, iss }: { documents: Record<string, object>; iss?: string },
): void {
  switch (route) {
    case 'POST /register':
      // A public client: PKCE is its only proof at the token endpoint.
      return sendJson(res, 201, {
        ...(JSON.parse(body) as object),
        client_id: 'discovery-client',
        token_endpoint_auth_method: 'none',
      });
    case 'GET /authorize': {
      const location = new URL(url.searchParams.get('redirect_uri') ?? '');
      location.searchParams.set('code', 'discovery-code');
      const state = url.searchParams.get('state');
      if (state) location.searchParams.set('state', state);
      if (iss !== undefined) location.searchParams.set('iss', iss);
      res.writeHead(302, { location: location.href }).end();
      return;
    }
    case 'POST /token':
      return sendJson(res, 200, { access_token: 'at_discovery', token_type: 'Bearer' });
    default: {
      const document = route.startsWith('GET ') ? documents[url.pathname] : undefined;
      if (document) return sendJson(res, 200, document);
      return sendJson(res, 404, { error: 'not_found' });
    }
  }
}
