import type { FastMcpModuleOptions, McpServerConfig } from '@app/fastmcp';
import type { SampleConfig } from '../config/sample-config.interface.js';
import type { DlqStore } from './dlq-store.interface.js';

/**
 * FastMcpModule's options: only the configured servers (no baseUrl: no other host is reachable),
 * and the app's own Redis connection for the DLQ (the module does not close a client it is given).
 */
export function createFastMcpOptions(
  config: SampleConfig,
  servers: Readonly<Record<string, McpServerConfig>>,
  dlq: DlqStore,
): FastMcpModuleOptions {
  return {
    servers: { ...servers },
    retry: config.retry,
    resilience: config.resilience,
    dlq: {
      ...(dlq.store === 'redis'
        ? { store: 'redis', redis: { client: dlq.redis } }
        : { store: 'memory' }),
      ...(config.dlqSpillFile ? { spillFile: config.dlqSpillFile } : {}),
    },
    metrics: { namespace: 'fastmcp' },
    ...(config.shutdownGraceMs === undefined ? {} : { shutdownGraceMs: config.shutdownGraceMs }),
  };
}
