import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An authorization server that rotates refresh tokens and refuses a rotated-out one; from the
 * second refresh on, its answer comes `answerDelayMs` late.
 */
export async function rotatingServer(answerDelayMs: number) {
  const live = new Set(['rt_0']);
  const presented: string[] = [];
  let issued = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const json = (status: number, doc: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
      if (req.url === '/.well-known/oauth-protected-resource/mcp') {
        return json(200, { resource: `${base}/mcp`, authorization_servers: [base] });
      }
      if (req.url === '/.well-known/oauth-authorization-server') {
        return json(200, {
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        });
      }
      if (req.url !== '/token') return json(404, {});
      const refreshToken = new URLSearchParams(body).get('refresh_token') ?? '';
      presented.push(refreshToken);
      if (!live.delete(refreshToken)) {
        return json(400, { error: 'invalid_grant', error_description: 'refresh token reused' });
      }
      issued += 1;
      const tokens = {
        access_token: `at_${issued}`,
        token_type: 'Bearer',
        expires_in: 100,
        refresh_token: `rt_${issued}`,
      };
      // Rotated now; the answer may come late.
      live.add(tokens.refresh_token);
      setTimeout(() => res.destroyed || json(200, tokens), issued >= 2 ? answerDelayMs : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${base}/mcp`, presented, live, close: () => server.close() };
}
