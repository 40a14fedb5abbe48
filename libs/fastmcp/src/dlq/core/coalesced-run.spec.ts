import { describe, expect, it } from 'vitest';
import { CoalescedRun } from './coalesced-run.js';

/** A job whose runs end when the test says, recording when each started. */
function gatedJob() {
  const starts: number[] = [];
  const ends: Array<(error?: Error) => void> = [];
  let calls = 0;
  const job = () =>
    new Promise<void>((resolve, reject) => {
      starts.push(calls);
      ends.push((error) => (error ? reject(error) : resolve()));
    });
  const call = (runner: CoalescedRun) => {
    calls += 1;
    return runner.run();
  };
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { job, starts, ends, call, flush };
}

describe('CoalescedRun', () => {
  it('gives the callers that come during a run one shared run after it', async () => {
    const { job, starts, ends, call, flush } = gatedJob();
    const runner = new CoalescedRun(job);
    const first = call(runner);
    const burst = Array.from({ length: 10 }, () => call(runner));
    expect(starts).toEqual([1]);
    ends[0]();
    await first;
    await flush();
    // The second run starts after every call of the burst.
    expect(starts).toEqual([1, 11]);
    ends[1]();
    await Promise.all(burst);
    expect(starts).toHaveLength(2);
  });

  it('runs again for a caller that comes after the runs ended', async () => {
    const { job, starts, ends, call, flush } = gatedJob();
    const runner = new CoalescedRun(job);
    const first = call(runner);
    ends[0]();
    await first;
    const second = call(runner);
    await flush();
    ends[1]();
    await second;
    expect(starts).toEqual([1, 2]);
  });

  it('starts the next run after a failed one, and only its own callers see the failure', async () => {
    const { job, starts, ends, call, flush } = gatedJob();
    const runner = new CoalescedRun(job);
    const first = call(runner).catch((error: unknown) => error);
    const later = call(runner);
    ends[0](new Error('trim failed'));
    expect(await first).toBeInstanceOf(Error);
    await flush();
    expect(starts).toEqual([1, 2]);
    ends[1]();
    await expect(later).resolves.toBeUndefined();
  });
});
