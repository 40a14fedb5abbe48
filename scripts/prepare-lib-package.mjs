// Completes the library's build output (dist/libs/fastmcp) into a publishable package:
// its package.json, the README and the licence. Run after `nest build fastmcp`.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const out = 'dist/libs/fastmcp';
if (!existsSync(join(out, 'index.js'))) {
  throw new Error(`${out}/index.js is missing: run \`nest build fastmcp\` first`);
}
copyFileSync('libs/fastmcp/package.json', join(out, 'package.json'));
for (const file of ['README.md', 'LICENSE']) {
  if (existsSync(file)) copyFileSync(file, join(out, file));
}
console.log(`${out} is ready to pack (npm pack ./${out})`);
