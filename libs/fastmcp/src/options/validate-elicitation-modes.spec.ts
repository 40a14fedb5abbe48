import { describe, expect, it } from 'vitest';
import { isFastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { resolveOptions } from './resolve-options.js';

const elicitation = () => ({ action: 'decline' as const });

function issuesOf(handlers: Record<string, unknown>): string[] {
  try {
    resolveOptions({ handlers });
    return [];
  } catch (error) {
    if (!isFastMcpConfigError(error)) throw error;
    return error.issues.map((issue) => `${issue.field}: ${issue.message}`);
  }
}

describe('handlers.elicitationModes', () => {
  it('takes form, url or both, with an elicitation handler', () => {
    expect(issuesOf({ elicitation, elicitationModes: ['form'] })).toEqual([]);
    expect(issuesOf({ elicitation, elicitationModes: ['url'] })).toEqual([]);
    expect(issuesOf({ elicitation, elicitationModes: ['form', 'url'] })).toEqual([]);
  });

  it.each([
    [
      { elicitation, elicitationModes: [] },
      "handlers.elicitationModes: must name at least one mode ('form', 'url')",
    ],
    [
      { elicitation, elicitationModes: 'url' },
      "handlers.elicitationModes: must be a list of 'form' and 'url', got string",
    ],
    [
      { elicitation, elicitationModes: ['form', 'link'] },
      `handlers.elicitationModes[1]: must be 'form' or 'url', got "link"`,
    ],
    [
      { elicitation, elicitationModes: [null] },
      "handlers.elicitationModes[0]: must be 'form' or 'url', got null",
    ],
    [
      { elicitation, elicitationModes: ['url', 'url'] },
      "handlers.elicitationModes[1]: names 'url' again",
    ],
    [{ elicitationModes: ['url'] }, 'handlers.elicitationModes: needs handlers.elicitation'],
  ])('refuses %j at start-up, naming the field', (handlers, issue) => {
    expect(issuesOf(handlers)).toEqual([issue]);
  });

  it('is kept frozen, apart from the array given', () => {
    const modes: Array<'form' | 'url'> = ['form', 'url'];
    const resolved = resolveOptions({ handlers: { elicitation, elicitationModes: modes } });
    modes.pop();
    expect(resolved.handlers.elicitationModes).toEqual(['form', 'url']);
    expect(Object.isFrozen(resolved.handlers.elicitationModes)).toBe(true);
  });
});
