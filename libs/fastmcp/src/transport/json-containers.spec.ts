import { describe, expect, it } from 'vitest';
import { jsonContainersOver } from './json-containers.js';

describe('jsonContainersOver', () => {
  it('counts objects and arrays, not the braces and brackets inside strings', () => {
    const text = JSON.stringify({ a: [{}, {}], s: '{[{[ "\\" {[' });
    expect(jsonContainersOver(text, 3)).toBe(true);
    expect(jsonContainersOver(text, 4)).toBe(false);
  });

  it('ends a string only at a quote not escaped (an even run of backslashes ends it)', () => {
    expect(jsonContainersOver(JSON.stringify(['\\', {}, {}]), 2)).toBe(true);
    expect(jsonContainersOver(JSON.stringify(['\\"{{{{', {}]), 2)).toBe(false);
  });

  it('leaves text that is not JSON to the parser', () => {
    expect(jsonContainersOver('[[[[ "unterminated {{{{{{{{', 5)).toBe(false);
  });

  it('is false for a text no longer than the limit without reading it', () => {
    expect(jsonContainersOver('[[[]]]', 6)).toBe(false);
  });
});
