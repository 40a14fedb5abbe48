import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/** Form fields of a token request that carry a credential. */
const CREDENTIAL_FIELDS = [
  'client_assertion',
  'assertion',
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
];
/** A JWT's segments from this long are secrets on their own (a server may quote the signature). */
const MIN_SEGMENT_LENGTH = 16;

/**
 * `fetchFn` that notes in `secrets` the credentials each request's form body carries, so a
 * failure quoting them can be scrubbed: a private_key_jwt client assertion is signed inside the
 * SDK at request time, and nothing else of the module ever sees it.
 */
export function fetchNotingCredentials(fetchFn: FetchLike, secrets: string[]): FetchLike {
  return (url, init) => {
    secrets.push(...formCredentials(init?.body));
    return fetchFn(url, init);
  };
}

function formCredentials(body: unknown): string[] {
  const form =
    body instanceof URLSearchParams
      ? body
      : typeof body === 'string'
        ? new URLSearchParams(body)
        : undefined;
  if (!form) return [];
  return CREDENTIAL_FIELDS.flatMap((field) => form.getAll(field)).flatMap((value) => [
    value,
    ...value.split('.').filter((segment) => segment.length >= MIN_SEGMENT_LENGTH),
  ]);
}
