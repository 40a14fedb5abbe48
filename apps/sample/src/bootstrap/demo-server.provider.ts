import { Logger, type Provider } from '@nestjs/common';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { startDemoMcpServer } from '../demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../demo-server/demo-mcp-server.interface.js';
import { DEMO_MCP_SERVER, DLQ_STORE } from './bootstrap.constants.js';

/** The client id the demo server is configured under. */
export const DEMO_CLIENT_ID = 'demo';

/** Starts the bundled demo MCP server on a free local port when no server is configured. */
export const demoServerProvider: Provider = {
  provide: DEMO_MCP_SERVER,
  // DLQ_STORE is injected only to run its start-up checks first: a failed start leaves no server.
  useFactory: async (config: SampleConfig): Promise<DemoMcpServerHandle | null> => {
    if (Object.keys(config.servers).length > 0) return null;
    const server = await startDemoMcpServer({ flakyFailures: config.demoFlakyFailures });
    new Logger('Sample').log(
      `No MCP server configured (FASTMCP_SERVERS, FASTMCP_BASE_URL): started the demo server at ${server.url} as client id "${DEMO_CLIENT_ID}"`,
    );
    return server;
  },
  inject: [SAMPLE_CONFIG, DLQ_STORE],
};
