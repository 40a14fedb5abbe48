import type { McpServerConfig } from '@app/fastmcp';
import type { Logger } from '@nestjs/common';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { startDemoMcpServer } from '../demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../demo-server/demo-mcp-server.interface.js';
import { chooseDlqStore } from './dlq-store.js';
import type { DlqStore } from './dlq-store.interface.js';
import { closeSampleRedis } from './sample-redis.js';

/** The client id the demo server is configured under. */
export const DEMO_CLIENT_ID = 'demo';

/** What the sample starts before its Nest app and stops after it. */
export interface SampleRuntime {
  /** The DLQ store, with the app's one Redis connection when it is Redis. */
  readonly dlq: DlqStore;
  /** The MCP servers by client id: the configured ones, or the demo server as `demo`. */
  readonly servers: Readonly<Record<string, McpServerConfig>>;
  /** The demo MCP server, when no server is configured. */
  readonly demo: DemoMcpServerHandle | null;
}

/**
 * Chooses the DLQ store (opening the Redis connection), then starts the demo server when no
 * server is configured. A failure leaves nothing running.
 */
export async function startSampleRuntime(
  config: SampleConfig,
  logger: Logger,
): Promise<SampleRuntime> {
  const dlq = await chooseDlqStore(config, logger);
  if (Object.keys(config.servers).length > 0) {
    return { dlq, servers: Object.freeze({ ...config.servers }), demo: null };
  }
  let demo: DemoMcpServerHandle;
  try {
    demo = await startDemoMcpServer({ flakyFailures: config.demoFlakyFailures });
  } catch (error) {
    if (dlq.store === 'redis') await closeSampleRedis(dlq.redis);
    throw error;
  }
  logger.log(
    `No MCP server configured (FASTMCP_SERVERS, FASTMCP_BASE_URL): started the demo server at ${demo.url} as client id "${DEMO_CLIENT_ID}"`,
  );
  return { dlq, servers: Object.freeze({ [DEMO_CLIENT_ID]: { url: demo.url } }), demo };
}

/** Closes the demo server, then the Redis connection: the reverse of the start. */
export async function stopSampleRuntime(runtime: SampleRuntime): Promise<void> {
  await runtime.demo?.close();
  if (runtime.dlq.store === 'redis') await closeSampleRedis(runtime.dlq.redis);
}
