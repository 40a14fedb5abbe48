import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/** The Node majors CI runs the suite on: the machine's (`npm test`) and Node 24 (.ci/run). */
const TESTED_MAJORS = [20, 24];
/** `engines.node` of both packages: those majors and nothing else (20.19 for `require(esm)`). */
const ENGINES = '^20.19.0 || ^24.0.0';

const text = (path: string): Promise<string> =>
  readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

const enginesOf = async (path: string): Promise<string> =>
  (JSON.parse(await text(path)) as { engines: { node: string } }).engines.node;

describe('supported runtimes', () => {
  it('runs on the Node major the CI step asked for', () => {
    const expected = process.env.FASTMCP_EXPECT_NODE_MAJOR;
    const major = Number(process.versions.node.split('.')[0]);
    if (expected) expect(major).toBe(Number(expected));
    expect(TESTED_MAJORS).toContain(major);
  });

  it('.ci/run runs the suite a second time on Node 24 from the npm registry, and fails with it', async () => {
    const lines = (await text('.ci/run')).split('\n').map((line) => line.trim());
    expect(lines).toContain('set -euo pipefail');
    const first = lines.indexOf('npm test');
    const second = lines.findIndex((line) => /^npx -y -p node@24 -- /.test(line));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThan(first);
    expect(lines[second]).toContain('FASTMCP_EXPECT_NODE_MAJOR=24');
    expect(lines[second]).toMatch(/vitest(\.mjs)? run/);
  });

  it.each(['package.json', 'libs/fastmcp/package.json'])(
    '%s engines claim exactly the tested majors',
    async (path) => {
      expect(await enginesOf(path)).toBe(ENGINES);
    },
  );
});
