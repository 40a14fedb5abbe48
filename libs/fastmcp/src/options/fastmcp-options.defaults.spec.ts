import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_INFO } from './fastmcp-options.defaults.js';
import { resolveOptions } from './resolve-options.js';

/** The library's package.json, the one `npm pack` publishes. */
const libraryPackage = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { name: string; version: string };

describe('DEFAULT_CLIENT_INFO', () => {
  it("is the package's name and version, so a release cannot leave it behind", () => {
    expect(libraryPackage.name).toBe('nestjs-fastmcp');
    expect(DEFAULT_CLIENT_INFO).toEqual({
      name: 'nestjs-fastmcp',
      version: libraryPackage.version,
    });
    expect(resolveOptions({}).clientInfo).toEqual({
      name: 'nestjs-fastmcp',
      version: libraryPackage.version,
    });
  });
});
