/**
 * `npm run soak -- --seconds 60 --concurrency 16 --pay-concurrency 4`: runs the soak, prints the
 * accounting, and exits 1 on any mismatch. Fault rates: `--rate-<kind> <0..1>`, e.g. `--rate-hang 0.02`.
 */
import { runSoak } from './soak-runner.js';
import { DEFAULT_FAULT_RATES, type FaultRates, type SoakOptions } from './soak-options.js';

function parse(args: string[]): Partial<SoakOptions> {
  const value = (name: string): number | undefined => {
    const at = args.indexOf(`--${name}`);
    if (at < 0) return undefined;
    const n = Number(args[at + 1]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a number >= 0`);
    return n;
  };
  const rates = { ...DEFAULT_FAULT_RATES };
  for (const kind of Object.keys(rates) as Array<keyof FaultRates>) {
    rates[kind] = value(`rate-${kind}`) ?? rates[kind];
  }
  const out: Partial<SoakOptions> = { rates, log: (line) => console.error(`[soak] ${line}`) };
  const seconds = value('seconds');
  const concurrency = value('concurrency');
  const payConcurrency = value('pay-concurrency');
  if (seconds !== undefined) out.seconds = seconds;
  if (concurrency !== undefined) out.concurrency = Math.max(1, Math.floor(concurrency));
  if (payConcurrency !== undefined) out.payConcurrency = Math.max(1, Math.floor(payConcurrency));
  return out;
}

export async function main(args: string[]): Promise<number> {
  const report = await runSoak(parse(args));
  console.log(report.text);
  return report.ok ? 0 : 1;
}
