import type { IncomingMessage, ServerResponse } from 'node:http';
import { readText, sendOAuthError } from './http-io.js';
import type { TokenOutage, TokenRequestRecord } from './oauth-test-server.interface.js';

/**
 * What the token endpoint answers while down: `server_error` (500, JSON), `bad_gateway` (502
 * from a proxy, HTML), `no_answer` (the request hangs until the client gives up or the server
 * closes), `invalid_grant_echo` (400 invalid_grant whose description quotes the authorization
 * code and the PKCE verifier it was sent, as a careless server does).
 */
export type OutageAnswer = 'server_error' | 'bad_gateway' | 'no_answer' | 'invalid_grant_echo';

/** A token endpoint outage for OAuthTestServerOptions.tokenOutage; keeps every form it got. */
export class FlowTokenOutage implements TokenOutage {
  readonly forms: URLSearchParams[] = [];

  constructor(private readonly kind: OutageAnswer) {}

  async answer(
    req: IncomingMessage,
    res: ServerResponse,
    records: TokenRequestRecord[],
  ): Promise<void> {
    const body = await readText(req);
    const form = new URLSearchParams(body);
    this.forms.push(form);
    const record: TokenRequestRecord = {
      grantType: form.get('grant_type') ?? '',
      scope: form.get('scope') ?? undefined,
      resource: form.get('resource') ?? undefined,
      status: 0,
    };
    records.push(record);
    switch (this.kind) {
      case 'server_error':
        record.status = 500;
        return sendOAuthError(res, 500, 'server_error', 'the token service failed');
      case 'bad_gateway':
        record.status = 502;
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
        return;
      case 'invalid_grant_echo': {
        record.status = 400;
        const quoted = `code ${form.get('code')} (verifier ${form.get('code_verifier')})`;
        return sendOAuthError(res, 400, 'invalid_grant', `${quoted} is not valid`);
      }
      case 'no_answer':
        return;
    }
  }
}
