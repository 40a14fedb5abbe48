import type { OptionChecks } from './option-checks.js';
import type { ResolvedFastMcpOptions, ResolvedRedrivePolicy } from './fastmcp-options.interface.js';
import { ALL_DEAD_LETTER_KINDS } from './fastmcp-options.defaults.js';

const KEY_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/;

export function checkDlq(checks: OptionChecks, { dlq }: ResolvedFastMcpOptions): void {
  if (dlq === false) return;
  checks.oneOf('dlq.store', dlq.store, ['redis', 'memory']);
  if (dlq.store === 'redis') {
    const redis = dlq.redis ?? {};
    const sources = [redis.url, redis.client, redis.cluster, redis.namespace].filter(
      (s) => s !== undefined,
    );
    if (sources.length !== 1) {
      checks.fail(
        'dlq.redis',
        'give exactly one of url, client, cluster or namespace for the Redis store',
      );
    }
    if (redis.url !== undefined) checks.url('dlq.redis.url', redis.url, ['redis', 'rediss']);
    if (redis.cluster !== undefined) checkClusterNodes(checks, redis.cluster);
  }
  checks.pattern('dlq.keyPrefix', dlq.keyPrefix, KEY_PREFIX_PATTERN, 'letters, digits, : . _ -');
  checks.integer('dlq.ttlMs', dlq.ttlMs, 1000);
  checks.integer('dlq.maxEntries', dlq.maxEntries, 1);
  checks.integer('dlq.maxArgumentBytes', dlq.maxArgumentBytes, 64);
  checks.integer('dlq.bufferSize', dlq.bufferSize, 1);
  checks.integer('dlq.replayLeaseMs', dlq.replayLeaseMs, 100);
  checks.integer('dlq.dedupWindowMs', dlq.dedupWindowMs, 0);
  checks.integer('dlq.redriveIntervalMs', dlq.redriveIntervalMs, 100);
  checkRedrive(checks, dlq.redrive);
  if (dlq.spillFile !== false && (typeof dlq.spillFile !== 'string' || dlq.spillFile === '')) {
    checks.fail('dlq.spillFile', 'must be a file path or false');
  }
  if (!Array.isArray(dlq.storeKinds)) {
    checks.fail('dlq.storeKinds', 'must be an array');
  } else {
    dlq.storeKinds.forEach((kind, i) =>
      checks.oneOf(`dlq.storeKinds[${i}]`, kind, ALL_DEAD_LETTER_KINDS),
    );
  }
  if (!Array.isArray(dlq.secretHeaders) || dlq.secretHeaders.some((h) => typeof h !== 'string')) {
    checks.fail('dlq.secretHeaders', 'must be an array of header names');
  }
}

function checkClusterNodes(checks: OptionChecks, cluster: unknown): void {
  const nodes = (cluster as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    checks.fail(
      'dlq.redis.cluster.nodes',
      'must be a non-empty array of { host, port } or "host:port"',
    );
    return;
  }
  nodes.forEach((node: unknown, i) => {
    const ok =
      (typeof node === 'string' && /^[^\s:]+:\d{1,5}$/.test(node)) ||
      (typeof node === 'number' && Number.isInteger(node)) ||
      (typeof node === 'object' &&
        node !== null &&
        (node as { port?: unknown }).port !== undefined &&
        Number.isInteger((node as { port?: unknown }).port));
    if (!ok) checks.fail(`dlq.redis.cluster.nodes[${i}]`, 'expected { host, port } or "host:port"');
  });
}

function checkRedrive(checks: OptionChecks, redrive: unknown): void {
  if (!Array.isArray(redrive)) {
    checks.fail('dlq.redrive', 'must be an array of redrive policies');
    return;
  }
  (redrive as ResolvedRedrivePolicy[]).forEach((policy, i) => {
    const at = `dlq.redrive[${i}]`;
    if (!Number.isFinite(policy.afterMs)) {
      checks.fail(`${at}.after`, 'must be a duration: ms, or 30s, 5m, 2h, 1d');
    }
    if (typeof policy.backoff !== 'number' || !(policy.backoff >= 1) || policy.backoff > 100) {
      checks.fail(`${at}.backoff`, 'must be a number 1..100');
    }
    checks.integer(`${at}.maxRedrives`, policy.maxRedrives, 1, 1000);
    const match = policy.match as Record<string, unknown> | null;
    if (typeof match !== 'object' || match === null || Array.isArray(match)) {
      checks.fail(`${at}.match`, 'must be an object');
      return;
    }
    for (const [field, values] of Object.entries(match)) {
      if (!['errorClass', 'operation', 'clientId'].includes(field)) {
        checks.fail(`${at}.match.${field}`, 'is not a field (errorClass, operation, clientId)');
      } else if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
        checks.fail(`${at}.match.${field}`, 'must be an array of strings');
      }
    }
  });
}
