import { describe, expect, it } from 'vitest';
import { DueIndex } from './due-index.js';

describe('DueIndex', () => {
  it('reads ids soonest first, then by id, up to a time and a limit, and keeps them', () => {
    const index = new DueIndex();
    index.set('c', 30);
    index.set('b', 10);
    index.set('a', 10);
    index.set('d', 20);
    expect(index.upTo(20, 10)).toEqual(['a', 'b', 'd']);
    expect(index.upTo(Infinity, 2)).toEqual(['a', 'b']);
    expect(index.upTo(9, 10)).toEqual([]);
    expect(index.upTo(Infinity, 10)).toEqual(['a', 'b', 'd', 'c']);
    expect(index.size).toBe(4);
  });

  it('reads an id at its latest time only, once, however often it moved', () => {
    const index = new DueIndex();
    index.set('a', 10);
    index.set('b', 20);
    index.set('a', 40);
    index.set('a', 10);
    index.set('a', 30);
    expect(index.upTo(Infinity, 10)).toEqual(['b', 'a']);
    index.set('b', 50);
    index.set('b', 20);
    expect(index.upTo(Infinity, 10)).toEqual(['b', 'a']);
    expect(index.upTo(25, 10)).toEqual(['b']);
    expect(index.size).toBe(2);
  });

  it('forgets deleted ids, one or many, and ignores ids it does not hold', () => {
    const index = new DueIndex();
    for (let i = 0; i < 6; i++) index.set(`id${i}`, i);
    index.delete('id2');
    index.delete('absent');
    index.deleteAll(['id0', 'id4', 'absent']);
    expect(index.upTo(Infinity, 10)).toEqual(['id1', 'id3', 'id5']);
    expect(index.size).toBe(3);
    expect(index.has('id0')).toBe(false);
    expect(index.has('id1')).toBe(true);
  });

  it('stays right through the rebuilds that drop what deletes and moves left behind', () => {
    const index = new DueIndex();
    for (let i = 0; i < 10_000; i++) index.set(`id${i}`, i);
    for (let i = 0; i < 10_000; i += 2) index.set(`id${i}`, 20_000 + i);
    index.deleteAll(Array.from({ length: 4000 }, (_, i) => `id${2 * i + 1}`));
    expect(index.size).toBe(6000);
    expect(index.upTo(Infinity, 3)).toEqual(['id8001', 'id8003', 'id8005']);
    expect(index.upTo(20_002, 10_000)).toHaveLength(1000 + 2);
    index.deleteAll(Array.from({ length: 10_000 }, (_, i) => `id${i}`));
    expect(index.size).toBe(0);
    expect(index.upTo(Infinity, 10)).toEqual([]);
  });
});
