import { describe, expect, it } from 'vitest';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { resolveOptions } from './resolve-options.js';

const URL_ = 'http://127.0.0.1:9/mcp';
const SECRET = 'Bearer s3cret-0123456789';

/** The issues of `servers.a.headers = headers`, as `field: message` lines. */
function issuesOf(headers: Record<string, unknown>): string[] {
  try {
    resolveOptions({ servers: { a: { url: URL_, headers: headers as Record<string, string> } } });
  } catch (error) {
    expect(error).toBeInstanceOf(FastMcpConfigError);
    return (error as FastMcpConfigError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

const BAD_VALUE =
  'must be printable ASCII (tab, space and ! to ~; no CR, LF, other control or non-ASCII characters)';
const BAD_NAME = "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)";

describe('servers.*.headers', () => {
  it.each([
    ['CR LF', `${SECRET}\r\nX-Injected: 1`],
    ['LF', `${SECRET}\n`],
    ['NUL', `${SECRET}\u0000`],
    ['non-ASCII', `${SECRET}\u00e9`],
    ['DEL', `${SECRET}\u007f`],
  ])('refuses a value with %s, naming the header but never the value', (_name, value) => {
    const issues = issuesOf({ Authorization: value });
    expect(issues).toEqual([`servers.a.headers.Authorization: ${BAD_VALUE}`]);
    expect(issues.join()).not.toContain('s3cret');
  });

  it('refuses a value that is not a string', () => {
    expect(issuesOf({ 'X-Count': 5 })).toEqual(['servers.a.headers.X-Count: must be a string']);
  });

  it('refuses names that are not HTTP tokens, quoting them', () => {
    expect(issuesOf({ 'bad name': 'v', '': 'v', 'X-\u00e9': 'v' })).toEqual([
      `servers.a.headers["bad name"]: ${BAD_NAME}`,
      `servers.a.headers[""]: ${BAD_NAME}`,
      `servers.a.headers["X-\u00e9"]: ${BAD_NAME}`,
    ]);
  });

  it('never quotes what follows a colon in a bad name (a pasted "Name: value" line)', () => {
    const issues = issuesOf({ [`Authorization: ${SECRET}`]: '' });
    expect(issues).toEqual([`servers.a.headers["Authorization:..."]: ${BAD_NAME}`]);
    expect(issues.join()).not.toContain('s3cret');
  });

  it('accepts tokens and printable values, tabs and empty values included', () => {
    expect(
      issuesOf({
        Authorization: SECRET,
        "X-Odd_Name.1!#$%&'*+^`|~": 'a\tb ~!',
        'x-empty': '',
      }),
    ).toEqual([]);
  });
});
