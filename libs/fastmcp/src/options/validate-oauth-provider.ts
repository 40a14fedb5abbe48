import { type OptionChecks, unreadableMessage } from './option-checks.js';

/** What the module calls on every provider. */
const PROVIDER_METHODS = ['tokens', 'clientInformation', 'saveTokens'] as const;
/** What the SDK calls on a provider that sends a user to authorize (it has a `redirectUrl`). */
const REDIRECT_METHODS = ['redirectToAuthorization', 'saveCodeVerifier', 'codeVerifier'] as const;
const NOT_READ = Symbol('not read');

/**
 * Checks an SDK `OAuthClientProvider` given as `servers.X.auth`. A provider with a redirect URL
 * (or an `authorizationCode()`) must have what the authorization-code flow calls: without one,
 * start-up passed and the first 401 failed the call.
 */
export function checkOAuthProvider(
  checks: OptionChecks,
  field: string,
  provider: Record<string, unknown>,
): void {
  const metadata = read(checks, `${field}.clientMetadata`, provider, 'clientMetadata');
  if (metadata !== NOT_READ && (typeof metadata !== 'object' || metadata === null)) {
    checks.fail(
      `${field}.clientMetadata`,
      "must be an object: auth is { type: 'client_credentials', ... } or an OAuthClientProvider",
    );
  }
  functions(checks, field, provider, PROVIDER_METHODS);
  const redirectUrl = read(checks, `${field}.redirectUrl`, provider, 'redirectUrl');
  const code = read(checks, `${field}.authorizationCode`, provider, 'authorizationCode');
  if (code !== undefined && code !== NOT_READ && typeof code !== 'function') {
    checks.fail(
      `${field}.authorizationCode`,
      'must be a function (InteractiveOAuthClientProvider)',
    );
  }
  if (redirectUrl === undefined) {
    if (code !== undefined && code !== NOT_READ) {
      checks.fail(`${field}.redirectUrl`, 'is required with authorizationCode()');
    }
    return;
  }
  if (redirectUrl === NOT_READ) return;
  if (!isUrl(redirectUrl)) {
    checks.fail(`${field}.redirectUrl`, 'must be an absolute URL (a string or a URL)');
  }
  functions(checks, field, provider, REDIRECT_METHODS);
}

function functions(
  checks: OptionChecks,
  field: string,
  provider: Record<string, unknown>,
  names: readonly string[],
): void {
  for (const name of names) {
    const value = read(checks, `${field}.${name}`, provider, name);
    if (value !== NOT_READ && typeof value !== 'function') {
      checks.fail(`${field}.${name}`, 'must be a function (OAuthClientProvider)');
    }
  }
}

/** A member of the provider; a getter or Proxy trap that throws fails the field. */
function read(
  checks: OptionChecks,
  field: string,
  provider: Record<string, unknown>,
  name: string,
): unknown {
  try {
    return provider[name];
  } catch (error) {
    checks.fail(field, unreadableMessage(error));
    return NOT_READ;
  }
}

function isUrl(value: unknown): boolean {
  if (value instanceof URL) return true;
  return typeof value === 'string' && URL.canParse(value);
}
