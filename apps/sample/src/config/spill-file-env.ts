import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EnvReader } from './env-reader.js';

const VARIABLE = 'FASTMCP_DLQ_SPILL_FILE';

/**
 * FASTMCP_DLQ_SPILL_FILE, checked with the other variables: a path that is a directory, or
 * whose directory is missing, would otherwise fail the start only once the demo server is up,
 * naming the module's `dlq.spillFile` instead of the variable.
 */
export function readSpillFileEnv(env: EnvReader): string | undefined {
  const path = env.string(VARIABLE);
  if (path === undefined) return undefined;
  if (existsSync(path) && !statSync(path).isFile()) {
    env.fail(VARIABLE, 'names something that is not a file (a directory?)');
  } else if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) {
    env.fail(VARIABLE, 'is in a directory that does not exist');
  }
  return path;
}
