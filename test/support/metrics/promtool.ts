import { spawnSync } from 'node:child_process';

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Runs `promtool` (Debian's `prometheus` package) with `args`, `input` on stdin. */
export function promtool(args: string[], input?: string): PromtoolResult {
  const run = spawnSync('promtool', args, { input, encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `promtool check metrics` on a `/metrics` text: status 0 and empty output when it is clean. */
export function checkMetricsText(text: string): PromtoolResult {
  return promtool(['check', 'metrics'], text);
}

/** True when `promtool` is on the PATH. */
export function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
}
