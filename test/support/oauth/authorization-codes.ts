import { randomBytes } from 'node:crypto';

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  resource?: string;
}

/** Authorization codes, each good for one exchange. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();

  create(code: AuthorizationCode): string {
    const value = `ac_${randomBytes(16).toString('base64url')}`;
    this.codes.set(value, code);
    return value;
  }

  redeem(value: string): AuthorizationCode | undefined {
    const code = this.codes.get(value);
    this.codes.delete(value);
    return code;
  }
}
