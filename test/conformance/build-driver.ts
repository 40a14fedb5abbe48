import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BuiltDriver {
  /** The command the conformance runner starts (it appends the server URL). */
  command: string;
  remove(): Promise<void>;
}

/**
 * Bundles driver.ts once, with the same transform and `@app/fastmcp` alias as the tests
 * (vitest.config.ts), so each of the 26 runs starts a plain `node` (about 1.5 s less CPU a run
 * than the Vite module runner of bench/run-ts.mjs, which stays the way to run it by hand).
 * The bundle lives under node_modules/.cache so its package imports resolve; packages stay
 * external.
 */
export async function buildDriver(): Promise<BuiltDriver> {
  const cache = join(ROOT, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  const outDir = await mkdtemp(join(cache, 'fastmcp-conformance-driver-'));
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vitest.config.ts'),
    logLevel: 'warn',
    build: {
      ssr: join(ROOT, 'test/conformance/driver.ts'),
      outDir,
      emptyOutDir: false,
      minify: false,
      sourcemap: true,
      rolldownOptions: { output: { format: 'es', entryFileNames: 'driver.mjs' } },
    },
  });
  const entry = join(outDir, 'run-driver.mjs');
  await writeFile(
    entry,
    "const { main } = await import('./driver.mjs');\nprocess.exitCode = await main(process.argv.slice(2));\n",
  );
  const parts = [process.execPath, '--enable-source-maps', entry];
  const spaced = parts.find((part) => part.includes(' '));
  if (spaced) {
    throw new Error(`the conformance runner splits its --command on spaces: ${spaced}`);
  }
  return {
    command: parts.join(' '),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}
