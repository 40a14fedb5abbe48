import { isIP } from 'node:net';
import type { EnvReader } from './env-reader.js';
import { show } from './env-reader.js';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * HOST: an IP address (`0.0.0.0`, `::`, `127.0.0.1`) or a host name (`localhost`), checked here
 * so a typo fails the start naming HOST rather than a `getaddrinfo` error once everything started.
 */
export function readHostEnv(env: EnvReader): string {
  const host = env.string('HOST');
  if (host === undefined) return '127.0.0.1';
  if (isIP(host) !== 0 || isHostName(host)) return host;
  env.fail(
    'HOST',
    `expected an IP address or a host name (such as 0.0.0.0, :: or localhost), got ${show(host)}`,
  );
  return '127.0.0.1';
}

/** Letters, digits and inner hyphens in dot-separated labels; the last one not all digits. */
function isHostName(host: string): boolean {
  const labels = host.split('.');
  return (
    host.length <= 253 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^\d+$/.test(labels[labels.length - 1])
  );
}
