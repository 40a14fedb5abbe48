/**
 * JOSE algorithms the SDK's private_key_jwt signing accepts for a string key: RSA, RSA-PSS and
 * EC keys as PKCS#8 PEM, HMAC with the string as the shared secret.
 */
export const PRIVATE_KEY_JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'HS256',
  'HS384',
  'HS512',
] as const;
