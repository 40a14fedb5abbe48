import { Module } from '@nestjs/common';
import { DLQ_STORE, DEMO_MCP_SERVER, MCP_SERVERS } from './bootstrap.constants.js';
import { DemoServerCloser } from './demo-server.closer.js';
import { demoServerProvider } from './demo-server.provider.js';
import { dlqStoreProvider } from './dlq-store.provider.js';
import { mcpServersProvider } from './mcp-servers.provider.js';

/** What is decided at start, before FastMcpModule's options: the servers and the DLQ store. */
@Module({
  providers: [demoServerProvider, mcpServersProvider, dlqStoreProvider, DemoServerCloser],
  exports: [DEMO_MCP_SERVER, MCP_SERVERS, DLQ_STORE],
})
export class BootstrapModule {}
