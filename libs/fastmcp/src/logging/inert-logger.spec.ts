import { describe, expect, it } from 'vitest';
import { inertText } from './inert-logger.js';

describe('inertText', () => {
  it('writes each control as an escape and keeps the rest of the text', () => {
    expect(inertText('a\r\nb\u001b[2K\u0000\u007f\u0085\u2028c\td é')).toBe(
      'a\\r\\nb\\u001b[2K\\u0000\\u007f\\u0085\\u2028c\td é',
    );
  });

  it('returns plain text as it is, twice in a row (the global pattern keeps no state)', () => {
    expect(inertText('retry 2/3\u001b')).toBe('retry 2/3\\u001b');
    expect(inertText('plain')).toBe('plain');
    expect(inertText('plain')).toBe('plain');
  });
});
