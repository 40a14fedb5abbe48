import { vi } from 'vitest';

/** What a `vi.waitFor` that names no timeout waits for: as long as `expect.poll` (vitest.config.ts). */
const DEFAULT_TIMEOUT_MS = 5000;

// vi.waitFor gives up after 1 s unless told otherwise, and the config cannot change that: on a
// loaded CI machine, server-side work a spec waits for can take longer.
const waitFor = vi.waitFor.bind(vi);
vi.waitFor = (callback, options) =>
  waitFor(
    callback,
    typeof options === 'number' ? options : { timeout: DEFAULT_TIMEOUT_MS, ...options },
  );
