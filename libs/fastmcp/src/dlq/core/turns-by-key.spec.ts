import { describe, expect, it } from 'vitest';
import { TurnsByKey } from './turns-by-key.js';

/** A task that records when it starts and ends, and finishes when told. */
function task(log: string[], name: string): { run: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    run: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

describe('TurnsByKey', () => {
  it('runs the tasks of one key one after another, in order', async () => {
    const turns = new TurnsByKey();
    const log: string[] = [];
    const [a, b] = [task(log, 'a'), task(log, 'b')];
    const results = [turns.run('k', a.run), turns.run('k', b.run)];
    await Promise.resolve();
    b.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a']);
    a.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('runs tasks of different keys side by side', async () => {
    const turns = new TurnsByKey();
    const log: string[] = [];
    const [a, b] = [task(log, 'a'), task(log, 'b')];
    const results = [turns.run('one', a.run), turns.run('two', b.run)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    a.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b']);
  });

  it('goes on after a task that fails, gives each caller its own outcome, and forgets settled keys', async () => {
    const turns = new TurnsByKey();
    const failed = turns.run('k', () => Promise.reject(new Error('boom')));
    const next = turns.run('k', () => Promise.resolve('after'));
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('after');
    await new Promise((resolve) => setImmediate(resolve));
    expect(turns.size).toBe(0);
  });
});
