import { FASTMCP_METRICS_REGISTRY, FastMcpModule } from '@app/fastmcp';
import { Module } from '@nestjs/common';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import { METRICS_REGISTRY } from '../metrics/metrics.constants.js';
import { DLQ_STORE, MCP_SERVERS } from './bootstrap.constants.js';
import { BootstrapModule } from './bootstrap.module.js';
import { createFastMcpOptions } from './fastmcp-options.factory.js';

/**
 * FastMcpModule configured from the environment, recording into the app's metrics registry.
 * Not global on purpose: BootstrapModule then sits deeper, so Nest shuts the client down (ending
 * its sessions) before the demo server closes.
 */
@Module({
  imports: [
    FastMcpModule.forRootAsync({
      imports: [BootstrapModule],
      inject: [SAMPLE_CONFIG, MCP_SERVERS, DLQ_STORE],
      useFactory: createFastMcpOptions,
      extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useExisting: METRICS_REGISTRY }],
    }),
  ],
  exports: [FastMcpModule],
})
export class McpClientModule {}
