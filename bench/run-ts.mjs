#!/usr/bin/env node
/**
 * Runs a TypeScript entry point of bench/ the way Vitest runs the tests: through Vite's module
 * runner, so the code gets the same oxc transform (decorator metadata included, which Nest's
 * dependency injection needs and esbuild-based runners such as tsx do not emit) and the same
 * `@app/fastmcp` alias from vitest.config.ts. No extra dependency: Vite comes with Vitest.
 *
 *   node [--expose-gc] bench/run-ts.mjs <entry.ts> [args...]
 *
 * The entry exports `main(args: string[]): Promise<number | void>`; its result is the exit code.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bench/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}

const server = await createServer({
  root,
  configFile: resolve(root, 'vitest.config.ts'),
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
});
// No stack-trace interception: measured code runs as it would when compiled.
const runner = createServerModuleRunner(server.environments.ssr, {
  hmr: false,
  sourcemapInterceptor: false,
});
let code = 0;
try {
  const module = await runner.import(resolve(process.cwd(), entry));
  if (typeof module.main !== 'function') throw new Error(`${entry} exports no main()`);
  code = (await module.main(args)) ?? 0;
} catch (error) {
  console.error(error);
  code = 1;
} finally {
  await server.close();
}
process.exitCode = code;
