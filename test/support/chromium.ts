import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Path of Debian's chromium: `$CHROMIUM_BIN`, else /usr/bin/chromium. */
export function chromiumBinary(): string {
  const binary = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
  if (!existsSync(binary)) {
    throw new Error(
      `chromium not found at ${binary}: run \`apt-get install chromium\` (scripts/ensure-system-deps.sh ` +
        'does it before npm test), or set CHROMIUM_BIN to its path',
    );
  }
  return binary;
}

/** A headless Chromium driven by playwright-core (no browser download: the machine's own). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumBinary(), headless: true });
}
