import { describe, expect, it } from 'vitest';
import { canonicalResource } from './discovery-resource.js';

describe('canonicalResource', () => {
  it('drops the fragment, URL credentials and query pairs that carry a credential', () => {
    const url =
      'https://svc:pa55@mcp.example.com/v1/mcp?tenant=a%20b&api_key=k1&t=Ab3dEf6hIj9kLm0n#x';
    expect(canonicalResource(url).href).toBe('https://mcp.example.com/v1/mcp?tenant=a%20b');
  });

  it('keeps a URL with nothing to drop as it is', () => {
    expect(canonicalResource('https://mcp.example.com/mcp').href).toBe(
      'https://mcp.example.com/mcp',
    );
    expect(canonicalResource('https://mcp.example.com/mcp?api_key=k1').href).toBe(
      'https://mcp.example.com/mcp',
    );
  });
});
