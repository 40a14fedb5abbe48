/** ns per calculateBackoffWithJitter call, under the default retry policy, retries 1 to 8. */
import { calculateBackoffWithJitter, DEFAULT_RETRY_OPTIONS } from '@app/fastmcp';
import { type RoundSummary, rounds } from './support/stats.js';

/** The seed's Go figure, for reference (not measured here). */
export const GO_SEED_NS_PER_OP = 120;

export async function runBackoff(
  options = { calls: 2_000_000, rounds: 5 },
): Promise<{ nsPerOp: RoundSummary }> {
  const policy = { ...DEFAULT_RETRY_OPTIONS };
  let sink = 0;
  const batch = (calls: number): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i += 1) sink += calculateBackoffWithJitter((i & 7) + 1, policy);
    return Number(process.hrtime.bigint() - start) / calls;
  };
  batch(options.calls); // warm-up
  const result = await rounds(options.rounds, () =>
    Promise.resolve({ nsPerOp: batch(options.calls) }),
  );
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away
  return result;
}
