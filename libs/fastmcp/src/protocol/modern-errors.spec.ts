import { describe, expect, it } from 'vitest';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { isMcpMissingCapabilityError } from '../errors/mcp-missing-capability.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import { isMcpUnsupportedVersionError } from '../errors/mcp-unsupported-version.error.js';
import { isLegacyAnswer, isModernError, typedModernError } from './modern-errors.js';

const http = (status: number, code?: number, data?: unknown) =>
  new McpHttpError(status, {
    jsonRpc: code === undefined ? undefined : { code, message: 'm', data },
  });

describe('the errors of the 2026-07-28 revision', () => {
  it('recognises -32020, -32021 and -32022 in a 4xx body or a JSON-RPC answer', () => {
    expect(isModernError(http(400, -32022))).toBe(true);
    expect(isModernError(new McpProtocolError(-32021, 'm'))).toBe(true);
    expect(isModernError(http(400, -32000))).toBe(false);
    expect(isModernError(http(400))).toBe(false);
  });

  it('types -32022 and -32021 and keeps their data', () => {
    const version = typedModernError(
      http(400, -32022, { supported: ['2027-01-01'], requested: '2026-07-28' }),
      ['2026-07-28'],
      'c',
    );
    expect(isMcpUnsupportedVersionError(version)).toBe(true);
    expect(version).toMatchObject({
      serverVersions: ['2027-01-01'],
      clientVersions: ['2026-07-28'],
      status: 400,
      clientId: 'c',
    });
    const capability = typedModernError(
      http(400, -32021, { requiredCapabilities: { sampling: {}, roots: {} } }),
      [],
      'c',
    );
    expect(isMcpMissingCapabilityError(capability)).toBe(true);
    expect(capability).toMatchObject({ capabilities: ['sampling', 'roots'], code: -32021 });
  });

  it('delivers a 400 or 404 JSON-RPC body as McpProtocolError, other statuses as they are', () => {
    const unknown = typedModernError(http(404, -32601), [], 'c');
    expect(unknown).toBeInstanceOf(McpProtocolError);
    expect(unknown).toMatchObject({ code: -32601, status: 404 });
    const conflict = http(409, -32000);
    expect(typedModernError(conflict, [], 'c')).toBe(conflict);
    const plain = http(400);
    expect(typedModernError(plain, [], 'c')).toBe(plain);
  });

  it('tells a 2025-era answer to a modern request from a modern error', () => {
    expect(isLegacyAnswer(http(400))).toBe(true);
    expect(isLegacyAnswer(http(400, -32000))).toBe(true);
    expect(isLegacyAnswer(http(405))).toBe(true);
    expect(isLegacyAnswer(http(404, -32601))).toBe(false);
    expect(isLegacyAnswer(http(400, -32022))).toBe(false);
    expect(isLegacyAnswer(http(503))).toBe(false);
  });
});

describe('a 4xx whose body was cut at the read limit', () => {
  const cut = (status: number, code?: number) =>
    new McpHttpError(status, {
      jsonRpc: code === undefined ? undefined : { code, message: '' },
      bodyTruncated: true,
    });

  it('is no 2025-era answer when the cut came before its JSON-RPC code', () => {
    expect(isLegacyAnswer(cut(400))).toBe(false);
    expect(isLegacyAnswer(cut(404))).toBe(false);
    expect(isLegacyAnswer(cut(405))).toBe(false);
  });

  it('is still judged by its code when the body opened with one', () => {
    expect(isLegacyAnswer(cut(400, -32000))).toBe(true);
    expect(isLegacyAnswer(cut(400, -32022))).toBe(false);
  });

  it('is typed as an error body too large to read, keeping the status', () => {
    const error = typedModernError(cut(400), ['2026-07-28'], 'c');
    expect(isMcpResponseTooLargeError(error)).toBe(true);
    expect(error).toMatchObject({ limit: 'error_body', limitBytes: 65536, status: 400 });
    expect((error as Error).message).toContain('could not be read');
  });
});

describe('a -32022 that lists a great many versions', () => {
  const supported = Array.from({ length: 300_000 }, (_, i) => `v${i}-${'x'.repeat(200)}`);

  it('keeps at most 20 versions of 100 characters, and a short message', () => {
    const error = typedModernError(
      new McpProtocolError(-32022, 'Unsupported protocol version', { data: { supported } }),
      ['2026-07-28'],
      'c',
    ) as Error & { serverVersions: readonly string[] };
    expect(isMcpUnsupportedVersionError(error)).toBe(true);
    expect(error.serverVersions).toHaveLength(20);
    expect(error.serverVersions.every((v) => v.length <= 100)).toBe(true);
    expect(error.message.length).toBeLessThan(4096);
  });

  it('keeps a version this client speaks even when it is listed last', () => {
    const error = typedModernError(
      http(400, -32022, { supported: [...supported.slice(0, 1000), '2026-07-28'] }),
      ['2026-07-28'],
      'c',
    ) as Error & { serverVersions: readonly string[] };
    expect(error.serverVersions).toContain('2026-07-28');
    expect(error.serverVersions).toHaveLength(20);
  });
});
