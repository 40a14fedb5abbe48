import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A send that records its batches and answers when released. */
function recordingSend() {
  const batches: string[][] = [];
  const releases: Array<() => void> = [];
  const send = (items: string[]): Promise<string[]> => {
    batches.push(items);
    return new Promise((resolve) => releases.push(() => resolve(items.map((i) => `ok:${i}`))));
  };
  const releaseAll = async (): Promise<void> => {
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, send, releaseAll };
}

describe('GroupCommit', () => {
  it('sends a lone item at once and answers each item its own result', async () => {
    const { batches, send, releaseAll } = recordingSend();
    const commit = new GroupCommit(send, (item: string) => item.length);
    const answer = commit.submit('a');
    expect(batches).toEqual([['a']]);
    await releaseAll();
    await expect(answer).resolves.toBe('ok:a');
  });

  it('groups what arrives while four batches are in flight, at most 32 items a batch', async () => {
    const { batches, send, releaseAll } = recordingSend();
    const commit = new GroupCommit(send, (item: string) => item.length);
    const items = Array.from({ length: 70 }, (_, i) => `i${i}`);
    const answers = Promise.all(items.map((item) => commit.submit(item)));
    await releaseAll();
    expect(await answers).toEqual(items.map((i) => `ok:${i}`));
    expect(batches.map((b) => b.length)).toEqual([1, 1, 1, 1, 32, 32, 2]);
    expect(batches.flat()).toEqual(items);
  });

  it('closes a batch before it passes 512 KiB, but always sends one item', async () => {
    const { batches, send, releaseAll } = recordingSend();
    const commit = new GroupCommit(send, (item: string) => (item.startsWith('big') ? 300_000 : 1));
    const items = ['a', 'b', 'big1', 'big2', 'big3', 'c'];
    const answers = Promise.all(items.map((item) => commit.submit(item)));
    await releaseAll();
    await answers;
    expect(batches).toEqual([['a'], ['b'], ['big1'], ['big2'], ['big3', 'c']]);
  });

  it('rejects every item of a failed batch with its error, and goes on with the next', async () => {
    let calls = 0;
    const commit = new GroupCommit(
      (items: string[]) => {
        calls += 1;
        return calls === 5 ? Promise.reject(new Error('down')) : Promise.resolve(items);
      },
      () => 1,
    );
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((item) => commit.submit(item)),
    );
    expect(results.map((r) => r.status)).toEqual([
      ...Array<string>(4).fill('fulfilled'),
      ...Array<string>(3).fill('rejected'),
    ]);
    expect(results[6]).toMatchObject({ reason: new Error('down') });
    expect(await commit.submit('h')).toBe('h');
  });

  it('is idle only once every item submitted has its answer', async () => {
    const { send, releaseAll } = recordingSend();
    const commit = new GroupCommit(send, () => 1);
    await commit.idle();
    const answered: string[] = [];
    for (const item of ['a', 'b', 'c', 'd', 'e', 'f']) {
      void commit.submit(item).then((result) => answered.push(result));
    }
    let idle = false;
    const waiting = commit.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    await releaseAll();
    await waiting;
    expect(answered).toHaveLength(6);
  });
});
