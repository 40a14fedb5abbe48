import { describe, expect, it } from 'vitest';
import { StepUpLimit } from './step-up-limit.js';
import { StepUpScopes } from './step-up-scopes.js';

describe('StepUpScopes', () => {
  it('leaves the scope to the SDK until a challenge names one', () => {
    const scopes = new StepUpScopes();
    scopes.asked('mcp:read mcp:admin');
    expect(scopes.next('mcp:read')).toBeUndefined();
  });

  it('asks for every scope asked before, the held ones and every challenged one', () => {
    const scopes = new StepUpScopes();
    scopes.asked('mcp:read mcp:admin');
    scopes.challenge('mcp:root');
    expect(scopes.next('mcp:read files:x')).toBe('mcp:read mcp:admin files:x mcp:root');
    scopes.asked('mcp:read mcp:admin mcp:root');
    scopes.challenge('mcp:files');
    expect(scopes.next(undefined)).toBe('mcp:read mcp:admin mcp:root mcp:files');
  });
});

describe('StepUpLimit', () => {
  it('allows `max` step-ups in a row, a new scope or a reset starting a new run', () => {
    const limit = new StepUpLimit(2);
    expect([limit.allows('a'), limit.allows('a'), limit.allows('a')]).toEqual([true, true, false]);
    expect(limit.allows('b')).toBe(true);
    limit.reset();
    expect([limit.allows('a'), limit.allows('b'), limit.allows('a b')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
