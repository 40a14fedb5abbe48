import { describe, expect, it } from 'vitest';
import { SchemaValidatorCache } from './schema-validator-cache.js';

describe('SchemaValidatorCache', () => {
  it('drops the least recently used entry past its capacity', () => {
    const cache = new SchemaValidatorCache<number>(2, Infinity);
    cache.set('a', 1, 1);
    cache.set('b', 2, 1);
    expect(cache.get('a')).toBe(1); // a is now more recent than b
    cache.set('c', 3, 1);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('drops the least recently used entries past its weight, never the newest', () => {
    const cache = new SchemaValidatorCache<string>(100, 10);
    cache.set('a', 'a', 4);
    cache.set('b', 'b', 4);
    cache.set('c', 'c', 4);
    expect([cache.get('a'), cache.size, cache.weight]).toEqual([undefined, 2, 8]);
    cache.set('huge', 'huge', 50);
    expect([cache.get('huge'), cache.size, cache.weight]).toEqual(['huge', 1, 50]);
  });

  it('replaces an entry set again without growing', () => {
    const cache = new SchemaValidatorCache<number>(2, Infinity);
    cache.set('a', 1, 3);
    cache.set('a', 2, 5);
    expect([cache.size, cache.weight, cache.get('a')]).toEqual([1, 5, 2]);
  });
});
