import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('keeps the last `capacity` ids and forgets the oldest first', () => {
    const recent = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) recent.add(id);
    expect(['a', 'b', 'c', 'd'].map((id) => recent.has(id))).toEqual([false, true, true, true]);
    expect(recent.size).toBe(3);
    recent.add('e');
    expect(recent.has('b')).toBe(false);
    expect(recent.has('e')).toBe(true);
  });

  it('adds an id once, so a repeat does not push an older id out', () => {
    const recent = new RecentIds(2);
    recent.add('a');
    recent.add('b');
    recent.add('b');
    expect(recent.has('a')).toBe(true);
    expect(recent.size).toBe(2);
  });

  it('stays at its capacity over many more adds than it keeps', () => {
    const recent = new RecentIds(1_000);
    for (let i = 0; i < 50_000; i++) recent.add(`id-${i}`);
    expect(recent.size).toBe(1_000);
    expect(recent.has('id-48999')).toBe(false);
    expect(recent.has('id-49000')).toBe(true);
    expect(recent.has('id-49999')).toBe(true);
  });
});
