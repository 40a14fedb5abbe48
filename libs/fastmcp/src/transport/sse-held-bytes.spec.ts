import { describe, expect, it } from 'vitest';
import { bytesAfterBlankLine } from './sse-held-bytes.js';

const LF = 0x0a;
const CR = 0x0d;
const after = (text: string, before?: number) => bytesAfterBlankLine(Buffer.from(text), before);

describe('bytesAfterBlankLine', () => {
  it('counts from the last blank line, its last byte included, for every line end', () => {
    expect(after('data: a\n\ndata: b')).toBe('\ndata: b'.length);
    expect(after('data: a\r\n\r\ndata: b')).toBe('\r\ndata: b'.length);
    expect(after('data: a\r\rdata: b')).toBe('\rdata: b'.length);
    expect(after('data: a\n\ndata: b\n\n')).toBe(1);
  });

  it('finds no blank line in field lines, comments and single CRLFs', () => {
    expect(after('data: a\n: keepalive\ndata: b\n')).toBeUndefined();
    expect(after('data: a\r\n: keepalive\r\ndata: b\r\n')).toBeUndefined();
    expect(after('\r\n')).toBeUndefined();
  });

  it('finds a blank line that begins in the chunk before', () => {
    expect(after('\ndata: b', LF)).toBe('\ndata: b'.length);
    expect(after('\rdata: b', CR)).toBe('\rdata: b'.length);
    expect(after('\ndata: b', CR)).toBeUndefined();
    expect(after('\ndata: b', 0x61)).toBeUndefined();
    expect(after('\ndata: b')).toBeUndefined();
  });
});
