import type { McpServerConfig } from '@app/fastmcp';
import type { Provider } from '@nestjs/common';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import type { SampleConfig } from '../config/sample-config.interface.js';
import type { DemoMcpServerHandle } from '../demo-server/demo-mcp-server.interface.js';
import { DEMO_MCP_SERVER, MCP_SERVERS } from './bootstrap.constants.js';
import { DEMO_CLIENT_ID } from './demo-server.provider.js';

/** The configured servers, or the demo server as client id `demo`. */
export const mcpServersProvider: Provider = {
  provide: MCP_SERVERS,
  useFactory: (
    config: SampleConfig,
    demo: DemoMcpServerHandle | null,
  ): Readonly<Record<string, McpServerConfig>> =>
    Object.freeze(demo ? { [DEMO_CLIENT_ID]: { url: demo.url } } : { ...config.servers }),
  inject: [SAMPLE_CONFIG, DEMO_MCP_SERVER],
};
