import { describe, expect, it } from 'vitest';
import { isStepUp, parseChallenge, wwwAuthenticateOf } from './parse-challenge.js';

/** What a 403 with this `WWW-Authenticate` asks for, URLs as text. */
function read(wwwAuthenticate: string): Record<string, string | boolean | undefined> {
  const challenge = { status: 403 as const, wwwAuthenticate };
  const parsed = parseChallenge(challenge);
  return {
    error: parsed.error,
    scope: parsed.scope,
    resourceMetadataUrl: parsed.resourceMetadataUrl?.href,
    stepUp: isStepUp(challenge, parsed),
  };
}

const STEP_UP = { error: 'insufficient_scope', scope: 'a b', resourceMetadataUrl: undefined };

describe('parseChallenge (RFC 9110 section 11 challenges)', () => {
  it('reads the Bearer challenge among others, wherever it stands', () => {
    const expected = { ...STEP_UP, stepUp: true };
    expect(read('DPoP algs="ES256 PS256", Bearer error="insufficient_scope", scope="a b"')).toEqual(
      expected,
    );
    expect(read('Bearer error="insufficient_scope", scope="a b", DPoP algs="ES256"')).toEqual(
      expected,
    );
    expect(
      read('Basic realm="x", Newauth abc==, Bearer error="insufficient_scope", scope="a b"'),
    ).toEqual(expected);
    // Another scheme's parameters are never the Bearer challenge's.
    expect(read('DPoP error="insufficient_scope", scope="admin", Bearer realm="r"')).toEqual({
      error: undefined,
      scope: undefined,
      resourceMetadataUrl: undefined,
      stepUp: false,
    });
    expect(read('DPoP error="insufficient_scope", scope="admin"').stepUp).toBe(false);
  });

  it('takes spaces around "=", tokens, any case of names, and empty list elements', () => {
    const expected = { ...STEP_UP, scope: 'files:write', stepUp: true };
    expect(read('Bearer error = "insufficient_scope" , scope =\t"files:write"')).toEqual(expected);
    expect(read('bearer ERROR=insufficient_scope, Scope="files:write"')).toEqual(expected);
    expect(read(' ,Bearer ,, error="insufficient_scope",,scope="files:write" ,')).toEqual(expected);
  });

  it('never reads a parameter out of another one quoted value', () => {
    expect(
      read(
        'Bearer error="insufficient_scope", error_description="scope=admin missing", scope="files:write"',
      ),
    ).toEqual({ ...STEP_UP, scope: 'files:write', stepUp: true });
    expect(
      read('Bearer realm="x", error_description="see resource_metadata=http://evil", scope="a b"'),
    ).toEqual({ error: undefined, scope: 'a b', resourceMetadataUrl: undefined, stepUp: false });
    // A quote escaped inside the value does not end it.
    expect(read('Bearer error_description="a \\", scope=\\"admin", scope="a b"')).toEqual({
      error: undefined,
      scope: 'a b',
      resourceMetadataUrl: undefined,
      stepUp: false,
    });
  });

  it('unescapes quoted-pairs and reads resource_metadata as a URL', () => {
    const parsed = parseChallenge({
      status: 401,
      wwwAuthenticate:
        'Bearer resource_metadata="http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp", scope="\\a \\"b\\""',
    });
    expect(parsed.scope).toBe('a "b"');
    expect(parsed.resourceMetadataUrl?.href).toBe(
      'http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp',
    );
    const bad = parseChallenge({ status: 401, wwwAuthenticate: 'Bearer resource_metadata="::"' });
    expect(bad.resourceMetadataUrl).toBeUndefined();
  });

  it('reads a token68 challenge as having no parameters', () => {
    expect(read('Bearer abc.def-ghi==')).toMatchObject({ error: undefined, stepUp: false });
    expect(read('Newauth abc=, Bearer error="insufficient_scope", scope="a b"')).toMatchObject({
      scope: 'a b',
      stepUp: true,
    });
  });

  it('drops a Bearer challenge that breaks the grammar, keeping the challenges before', () => {
    const none = { error: undefined, scope: undefined, resourceMetadataUrl: undefined };
    const broken = [
      'Bearer error="insufficient_scope" scope="a b"', // no comma between parameters
      'Bearer error="insufficient_scope", scope="a b', // unterminated quoted-string
      'Bearer error="insufficient_scope", scope="a b", scope="admin"', // a name given twice
      'Bearer error="insufficient_scope", scope=a b', // a token with a space
      'Bearer error=insufficient_scope, scope=files:write', // ":" is no token character
      'Bearer error="insufficient_scope", scope="a\u0001b"', // a control character
      'Bearer foo bar', // neither token68 nor auth-params
      'Bearer error="insufficient_scope", "scope"="a b"',
      'error="insufficient_scope", Bearer scope="a b"', // a parameter before any scheme
    ];
    for (const header of broken) {
      expect(read(header), header).toEqual({ ...none, stepUp: false });
    }
    // What came before the break stands; what follows it is not read.
    expect(read('Bearer error="insufficient_scope", scope="a b", DPoP algs="x" y')).toEqual({
      ...STEP_UP,
      stepUp: true,
    });
    expect(read('DPoP algs="x" y, Bearer error="insufficient_scope", scope="a b"').stepUp).toBe(
      false,
    );
  });

  it('is a step-up only for a 403 insufficient_scope', () => {
    const header = 'Bearer error="insufficient_scope", scope="a"';
    const unauthorized = { status: 401 as const, wwwAuthenticate: header };
    expect(isStepUp(unauthorized, parseChallenge(unauthorized))).toBe(false);
    expect(read('Bearer error="invalid_token"').stepUp).toBe(false);
    expect(parseChallenge({ status: 403 })).toEqual({});
    expect(parseChallenge({ status: 403, wwwAuthenticate: '' })).toEqual({});
  });

  it('reads a huge header in linear time', () => {
    const size = 256 * 1024;
    const headers = [
      `Bearer ${Array.from({ length: size / 8 }, (_, i) => `p${i}=v`).join(', ')}`,
      `Bearer x="${'\\"'.repeat(size / 2)}`,
      `${'Basic, '.repeat(size / 7)}Bearer error="insufficient_scope", scope="a b"`,
      `Bearer ${'='.repeat(size)}`,
      `Bearer ${' '.repeat(size)}x`,
      `Bearer x="${' '.repeat(size)}`,
      `Bearer ${'a'.repeat(size)}`,
    ];
    // Quadratic work on 256 KiB would take minutes: the test's timeout below catches it.
    const results = headers.map((wwwAuthenticate) =>
      parseChallenge({ status: 403, wwwAuthenticate }),
    );
    expect(results[2]).toMatchObject({ error: 'insufficient_scope', scope: 'a b' });
  }, 10_000);
});

describe('wwwAuthenticateOf', () => {
  it('joins several header fields into one list, as RFC 9110 reads them', () => {
    const fields = ['DPoP algs="ES256"', 'Bearer error="insufficient_scope", scope="a b"'];
    const joined = wwwAuthenticateOf(fields);
    expect(joined).toBe('DPoP algs="ES256", Bearer error="insufficient_scope", scope="a b"');
    expect(read(joined ?? '').stepUp).toBe(true);
    expect(wwwAuthenticateOf('Bearer')).toBe('Bearer');
    expect(wwwAuthenticateOf([])).toBeUndefined();
    expect(wwwAuthenticateOf(7)).toBeUndefined();
  });
});
