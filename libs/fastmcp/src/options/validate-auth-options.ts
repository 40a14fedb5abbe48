import { createPrivateKey } from 'node:crypto';
import { ISSUER_REQUIRED } from '../auth/client-credentials-provider.js';
import { PRIVATE_KEY_JWT_ALGORITHMS } from '../auth/jwt-algorithms.js';
import { isAnyObject, type OptionChecks } from './option-checks.js';
import { CLIENT_CREDENTIALS_FIELDS, PRIVATE_KEY_JWT_FIELDS } from './option-fields.js';
import { checkOAuthProvider } from './validate-oauth-provider.js';

/** Hosts an `http:` issuer may name: the credentials then never leave the machine. */
const LOOPBACK_HOSTS = ['127.0.0.1', '[::1]', 'localhost'];
/** RFC 6749 (appendix A): a client id, a client secret and a scope are visible ASCII and space. */
const VISIBLE_ASCII = /^[\x20-\x7e]+$/;
/** RFC 7518 3.2: an HMAC key at least as long as the hash's output. */
const HMAC_KEY_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };
const EC_CURVES: Record<string, string> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

/**
 * Checks `servers.X.auth`: a client-credentials config (`type: 'client_credentials'`) or an
 * SDK `OAuthClientProvider`. Messages never quote a secret or a key.
 */
export function checkServerAuth(checks: OptionChecks, field: string, auth: unknown): void {
  // Not plainObject: a provider is usually a class instance.
  if (!isAnyObject(auth)) {
    checks.fail(field, 'must be an object');
    return;
  }
  if ('type' in auth) checkClientCredentials(checks, field, auth);
  else checkOAuthProvider(checks, field, auth);
}

function checkClientCredentials(
  checks: OptionChecks,
  field: string,
  auth: Record<string, unknown>,
): void {
  checks.options(field, auth, CLIENT_CREDENTIALS_FIELDS);
  checks.oneOf(`${field}.type`, auth.type, ['client_credentials']);
  oauthText(checks, `${field}.clientId`, auth.clientId);
  const { clientSecret, privateKeyJwt } = auth;
  if ((clientSecret === undefined) === (privateKeyJwt === undefined)) {
    checks.fail(field, 'give exactly one of clientSecret or privateKeyJwt');
  }
  if (clientSecret !== undefined) oauthText(checks, `${field}.clientSecret`, clientSecret);
  if (privateKeyJwt !== undefined)
    checkPrivateKeyJwt(checks, `${field}.privateKeyJwt`, privateKeyJwt);
  if (auth.scope !== undefined) oauthText(checks, `${field}.scope`, auth.scope);
  checkIssuer(checks, `${field}.issuer`, auth.issuer);
}

/**
 * The authorization server the credentials are bound to (MCP 2026-07-28, client registration:
 * pre-registered credentials belong to the server that issued them). Required: without it, the
 * MCP server would choose where the secret goes. https, or http on a loopback host.
 */
function checkIssuer(checks: OptionChecks, field: string, issuer: unknown): void {
  if (issuer === undefined) {
    checks.fail(field, ISSUER_REQUIRED);
    return;
  }
  checks.url(field, issuer, ['http', 'https']);
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) return;
  const url = new URL(issuer);
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.includes(url.hostname)) {
    checks.fail(field, 'must use https (http only on a loopback host: 127.0.0.1, ::1, localhost)');
  }
  // RFC 8414: an issuer is compared whole with the server's metadata, and has neither.
  if (url.username !== '' || url.password !== '') checks.fail(field, 'must not hold credentials');
  if (url.search !== '') checks.fail(field, 'must not have a ?query (RFC 8414)');
}

function checkPrivateKeyJwt(checks: OptionChecks, field: string, jwt: unknown): void {
  if (!checks.options(field, jwt, PRIVATE_KEY_JWT_FIELDS)) return;
  checks.oneOf(`${field}.alg`, jwt.alg, PRIVATE_KEY_JWT_ALGORITHMS);
  if (!nonEmpty(checks, `${field}.key`, jwt.key)) return;
  if (typeof jwt.alg !== 'string') return;
  const hmacBytes = HMAC_KEY_BYTES[jwt.alg];
  if (hmacBytes !== undefined) {
    if (Buffer.byteLength(jwt.key) < hmacBytes) {
      checks.fail(
        `${field}.key`,
        `${jwt.alg} needs a key of at least ${hmacBytes} bytes (RFC 7518)`,
      );
    }
    return;
  }
  const problem = keyProblem(jwt.key, jwt.alg);
  if (problem) checks.fail(`${field}.key`, problem);
}

/** Why a PEM key cannot sign with `alg` (RS*, PS*, ES*), if it cannot. */
function keyProblem(key: string, alg: string): string | undefined {
  if (!key.includes('-----BEGIN PRIVATE KEY-----')) {
    return 'must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)';
  }
  let type: string | undefined;
  let curve: string | undefined;
  try {
    const parsed = createPrivateKey(key);
    type = parsed.asymmetricKeyType;
    curve = parsed.asymmetricKeyDetails?.namedCurve;
  } catch {
    return 'is not a readable PKCS#8 PEM private key';
  }
  if (alg.startsWith('ES')) {
    if (type !== 'ec' || curve !== EC_CURVES[alg])
      return `${alg} needs an EC ${EC_CURVES[alg]} key`;
  } else if (type !== 'rsa' && type !== 'rsa-pss') {
    return `${alg} needs an RSA key, got ${String(type)}`;
  }
  return undefined;
}

/** A client id, secret or scope: sent as is in a header or a form, so no newline slips in. */
function oauthText(checks: OptionChecks, field: string, value: unknown): void {
  if (nonEmpty(checks, field, value) && !VISIBLE_ASCII.test(value)) {
    checks.fail(
      field,
      'must be visible ASCII and spaces (RFC 6749; no newline, other control or non-ASCII character)',
    );
  }
}

function nonEmpty(checks: OptionChecks, field: string, value: unknown): value is string {
  if (typeof value === 'string' && value.trim().length > 0) return true;
  checks.fail(field, 'must be a non-empty string');
  return false;
}
