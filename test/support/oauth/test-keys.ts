import { generateKeyPairSync } from 'node:crypto';

export interface SigningKeyPair {
  /** PKCS#8 PEM, what `privateKeyJwt.key` takes. */
  privateKey: string;
  /** SPKI PEM, what the authorization server verifies with. */
  publicKey: string;
}

/** A fresh key pair for private_key_jwt: RSA 2048 (RS*, PS*) or EC P-256 (ES256). */
export function generateSigningKey(kind: 'rsa' | 'ec'): SigningKeyPair {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
