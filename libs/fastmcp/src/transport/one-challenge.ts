import type { Readable } from 'node:stream';
import type { AxiosResponse } from 'axios';
import { wwwAuthenticateOf } from '../auth/parse-challenge.js';
import { releaseErrorBody } from './error-body-release.js';
import type { HttpTarget } from './http-target.interface.js';

/** A request sent: its answer (none when it never came) and the `Authorization` it carried. */
export interface SentRequest {
  response?: AxiosResponse<Readable>;
  authorization?: string;
}

/**
 * Sends; when a server with `auth` answers 401, runs its OAuth flow and sends once more with the
 * new token. A flow that fails throws.
 */
export async function sendWithOneChallenge<S extends SentRequest>(
  target: HttpTarget,
  send: () => Promise<S>,
  signal: AbortSignal,
): Promise<S> {
  const sent = await send();
  if (sent.response?.status !== 401 || !target.auth) return sent;
  releaseErrorBody(sent.response.data);
  const wwwAuthenticate = wwwAuthenticateOf(sent.response.headers['www-authenticate']);
  const { authorization } = sent;
  await target.auth.onChallenge({ status: 401, wwwAuthenticate, authorization }, signal);
  return send();
}
