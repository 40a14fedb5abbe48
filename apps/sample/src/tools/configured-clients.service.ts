import { displayUrl, EnhancedFastMcpService, type McpServerConfig } from '@app/fastmcp';
import { Inject, Injectable } from '@nestjs/common';
import { MCP_SERVERS } from '../bootstrap/bootstrap.constants.js';
import type { McpClientView } from './mcp-client-view.interface.js';

/** The configured client ids: the only ones a request can name. */
@Injectable()
export class ConfiguredClients {
  constructor(
    @Inject(MCP_SERVERS) private readonly servers: Readonly<Record<string, McpServerConfig>>,
    @Inject(EnhancedFastMcpService) private readonly client: EnhancedFastMcpService,
  ) {}

  list(): McpClientView[] {
    return Object.entries(this.servers).map(([clientId, server]) => {
      const session = this.client.getSession(clientId);
      return {
        clientId,
        url: displayUrl(server.url),
        connected: session !== undefined,
        ...(session
          ? {
              protocolVersion: session.protocolVersion,
              era: session.era,
              serverName: session.serverInfo.name,
            }
          : {}),
      };
    });
  }
}
