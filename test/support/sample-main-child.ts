// Runs the sample's real main.ts, its own signal handling included, under bench/run-ts.mjs:
// `node bench/run-ts.mjs test/support/sample-main-child.ts`. The process lives until a signal.
export async function main(): Promise<number> {
  await import('../../apps/sample/src/main.js');
  return await new Promise<number>(() => undefined);
}
