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
const badName = (position: number): string =>
  `the name of header ${position} (in order) is not an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~); it is not shown, as it may hold a secret`;
const CLIENT_SET =
  'is set by the HTTP client from the request itself (framing, hop-by-hop or host); remove it';

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

  it('refuses names that are not HTTP tokens by their position, never quoting them', () => {
    expect(issuesOf({ 'X-Ok': 'v', 'bad name': 'v', '': 'v', 'X-\u00e9': 'v' })).toEqual([
      `servers.a.headers: ${badName(2)}`,
      `servers.a.headers: ${badName(3)}`,
      `servers.a.headers: ${badName(4)}`,
    ]);
  });

  it('never quotes a bad name: a pasted "Authorization Bearer ..." or "Name: value"', () => {
    const issues = issuesOf({ [`Authorization ${SECRET}`]: '', [`Authorization: ${SECRET}`]: '' });
    expect(issues).toEqual([
      `servers.a.headers: ${badName(1)}`,
      `servers.a.headers: ${badName(2)}`,
    ]);
    expect(issues.join()).not.toContain('s3cret');
  });

  it.each([
    'Content-Length',
    'transfer-encoding',
    'Connection',
    'Keep-Alive',
    'Upgrade',
    'TE',
    'Trailer',
    'Host',
    'Expect',
  ])('refuses %s: the HTTP client sets it (or refuses it) for every request', (name) => {
    expect(issuesOf({ [name]: '5' })).toEqual([`servers.a.headers.${name}: ${CLIENT_SET}`]);
  });

  it.each([
    'Accept',
    'content-type',
    'Last-Event-ID',
    'Mcp-Session-Id',
    'MCP-Protocol-Version',
    'Mcp-Method',
  ])('refuses %s: the MCP transport sets it on every request', (name) => {
    expect(issuesOf({ [name]: 'x' })).toEqual([
      `servers.a.headers.${name}: is set by the MCP transport on every request; remove it`,
    ]);
  });

  it('refuses an Authorization header beside auth, which sets it', () => {
    const credentials = {
      type: 'client_credentials' as const,
      clientId: 'a',
      clientSecret: 's',
      issuer: 'https://auth.example.com',
    };
    let issues: string[] = [];
    try {
      resolveOptions({
        servers: { a: { url: URL_, headers: { Authorization: SECRET }, auth: credentials } },
      });
    } catch (error) {
      issues = (error as FastMcpConfigError).issues.map((i) => `${i.field}: ${i.message}`);
    }
    expect(issues).toEqual([
      'servers.a.headers.Authorization: comes from auth, which is set too; remove one of them',
    ]);
    expect(issues.join()).not.toContain('s3cret');
  });

  it('refuses two names that differ only by case: only one would be sent', () => {
    expect(issuesOf({ Authorization: SECRET, authorization: 'Bearer other' })).toEqual([
      'servers.a.headers.authorization: repeats Authorization (header names ignore case)',
    ]);
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

describe('servers.*.url', () => {
  const urlIssues = (url: string): string[] => {
    try {
      resolveOptions({ servers: { a: { url } } });
    } catch (error) {
      return (error as FastMcpConfigError).issues.map((i) => `${i.field}: ${i.message}`);
    }
    return [];
  };

  it('refuses credentials that are not valid percent-encoding, never quoting them', () => {
    // Each request decodes them for its Authorization header, which would throw URIError.
    const issues = [
      ...urlIssues('http://user:hunter2%zz@127.0.0.1:8000/mcp'),
      ...urlIssues('http://hunter2%@127.0.0.1:8000/mcp'),
    ];
    const message = 'servers.a.url: has a user name or password that is not valid percent-encoding';
    expect(issues).toEqual([message, message]);
    expect(issues.join()).not.toContain('hunter2');
    expect(urlIssues('http://user:p%40ss@127.0.0.1:8000/mcp')).toEqual([]);
  });

  it('refuses port 0', () => {
    expect(urlIssues('http://127.0.0.1:0/mcp')).toEqual([
      'servers.a.url: must have a port 1..65535',
    ]);
  });
});
