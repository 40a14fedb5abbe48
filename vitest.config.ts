import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const BROWSER_SPECS = 'test/admin/**/*.e2e-spec.ts';

export default defineConfig({
  resolve: {
    alias: {
      '@app/fastmcp': fileURLToPath(new URL('./libs/fastmcp/src/index.ts', import.meta.url)),
    },
  },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll and vi.waitFor wait 1 s by default: too short for server-side work on a loaded
    // CI machine. Both get 5 s (vi.waitFor through a setup file: it has no config option).
    expect: { poll: { timeout: 5000 } },
    setupFiles: ['test/support/wait-for-default.ts'],
    // The browser suite runs after the rest, on its own: a real Chromium and the sample app share
    // the machine's cores with nothing else, so its waits measure the console, not the load.
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
          exclude: [BROWSER_SPECS],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: [BROWSER_SPECS], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
