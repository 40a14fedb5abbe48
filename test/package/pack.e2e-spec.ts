import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';

const run = promisify(execFile);
const WORKSPACE = resolve(import.meta.dirname, '../..');
const FIXTURES = join(import.meta.dirname, 'fixtures');
const TIMEOUT_MS = 180_000;

/** The version of a package installed in the workspace, so the scratch app gets the same peers. */
function workspaceVersion(name: string): string {
  const manifest = readFileSync(join(WORKSPACE, 'node_modules', name, 'package.json'), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

describe('the packed library in an app outside the workspace', () => {
  let scratch: string;
  let tarball: string;
  let demo: DemoMcpServerHandle;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'nestjs-fastmcp-pack-'));
    demo = await startDemoMcpServer();
    // The build and pack the README documents: nest build fastmcp, then npm pack.
    const { stdout } = await run('npm', ['run', '--silent', 'pack:lib'], {
      cwd: WORKSPACE,
      maxBuffer: 16 * 1024 * 1024,
    });
    tarball = join(WORKSPACE, 'dist', stdout.trim().split('\n').at(-1) ?? '');
  }, TIMEOUT_MS);

  afterAll(async () => {
    await demo?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('holds the built module, its types and its manifest, and nothing else', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toContain('package/package.json');
    expect(files).toContain('package/index.js');
    expect(files).toContain('package/index.d.ts');
    expect(files).toContain('package/dlq/redis/redis-dlq.scripts.js');
    expect(files).toContain('package/dlq/redis/lua/insert.lua');
    expect(files).toContain('package/dlq/redis/lua/includes/entry-keys.lua');
    expect(files.filter((f) => /\.spec\.|\/test\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual(
      [],
    );
    const manifest = JSON.parse(
      (await run('tar', ['-xzOf', tarball, 'package/package.json'])).stdout,
    ) as { name: string; peerDependencies: Record<string, string> };
    expect(manifest.name).toBe('nestjs-fastmcp');
    expect(Object.keys(manifest.peerDependencies)).toEqual(
      expect.arrayContaining(['@nestjs/common', '@nestjs/core', '@nestjs/axios']),
    );
  });

  it(
    'installs from the tarball and boots with FastMcpModule.forRootAsync',
    async () => {
      const peers = [
        '@nestjs/common',
        '@nestjs/core',
        '@nestjs/axios',
        'rxjs',
        'reflect-metadata',
        'prom-client',
      ];
      writeFileSync(
        join(scratch, 'package.json'),
        JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }),
      );
      await run(
        'npm',
        [
          'install',
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          tarball,
          ...peers.map((name) => `${name}@${workspaceVersion(name)}`),
        ],
        { cwd: scratch, maxBuffer: 16 * 1024 * 1024 },
      );
      copyFileSync(join(FIXTURES, 'scratch-app.mjs'), join(scratch, 'app.mjs'));

      const { stdout } = await run(process.execPath, ['app.mjs'], {
        cwd: scratch,
        env: { ...process.env, MCP_URL: demo.url },
        timeout: 30_000,
      });
      expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({
        result: { content: [{ type: 'text', text: 'hello from the tarball' }] },
        dlqTotal: 0,
        metricInAppRegistry: true,
      });
      expect(demo.sessionCount()).toBe(0); // the app ended its session on close

      copyFileSync(join(FIXTURES, 'scratch-types.ts.fixture'), join(scratch, 'types.ts'));
      writeFileSync(
        join(scratch, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2023',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(WORKSPACE, 'node_modules/@types')],
          },
          files: ['types.ts'],
        }),
      );
      const tsc = join(WORKSPACE, 'node_modules/typescript/bin/tsc');
      await expect(
        run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: scratch }),
      ).resolves.toBeDefined();
    },
    TIMEOUT_MS,
  );
});
