import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DemoMcpServerHandle } from '../demo-server/demo-mcp-server.interface.js';
import { DEMO_MCP_SERVER } from './bootstrap.constants.js';

/**
 * Closes the demo server. Its module sits below FastMcpModule, so Nest runs this hook after the
 * client has ended its sessions.
 */
@Injectable()
export class DemoServerCloser implements OnApplicationShutdown {
  constructor(@Inject(DEMO_MCP_SERVER) private readonly server: DemoMcpServerHandle | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}
