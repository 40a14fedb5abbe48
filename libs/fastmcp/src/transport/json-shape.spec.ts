import { describe, expect, it } from 'vitest';
import { jsonShapeLimits, jsonShapeOver } from './json-shape.js';

const containersOnly = (containers: number) => ({ containers, values: Infinity });
const valuesOnly = (values: number) => ({ containers: Infinity, values });

describe('jsonShapeOver', () => {
  it('counts objects and arrays, not the braces and brackets inside strings', () => {
    const text = JSON.stringify({ a: [{}, {}], s: '{[{[ "\\" {[' });
    expect(jsonShapeOver(text, containersOnly(3))).toBe('containers');
    expect(jsonShapeOver(text, containersOnly(4))).toBeUndefined();
  });

  it('counts values as commas and containers, not the commas inside strings', () => {
    // 1 object + 3 members (2 commas) + 1 array; 4 numbers in it (3 commas): 7.
    const text = JSON.stringify({ a: 1, b: 'x,y,z', c: [0, 0, 0, 0] });
    expect(jsonShapeOver(text, valuesOnly(6))).toBe('values');
    expect(jsonShapeOver(text, valuesOnly(7))).toBeUndefined();
    expect(jsonShapeOver(`[${'0,'.repeat(99)}0]`, valuesOnly(99))).toBe('values');
  });

  it('ends a string only at a quote not escaped (an even run of backslashes ends it)', () => {
    expect(jsonShapeOver(JSON.stringify(['\\', {}, {}]), containersOnly(2))).toBe('containers');
    expect(jsonShapeOver(JSON.stringify(['\\"{{{{', {}]), containersOnly(2))).toBeUndefined();
  });

  it('leaves text that is not JSON to the parser', () => {
    expect(jsonShapeOver('[[[[ "unterminated {{{{{{{{', containersOnly(5))).toBeUndefined();
  });

  it('is undefined for a text no longer than the smaller limit, without reading it', () => {
    expect(jsonShapeOver('[[[]]]', { containers: 6, values: 7 })).toBeUndefined();
  });

  it('allows one container per 32 bytes and one value per 8 of maxResponseBytes', () => {
    expect(jsonShapeLimits(1024 * 1024)).toEqual({ containers: 32_768, values: 131_072 });
  });
});
