import { FASTMCP_METRICS_REGISTRY, FastMcpModule } from '@app/fastmcp';
import { Module } from '@nestjs/common';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import { METRICS_REGISTRY } from '../metrics/metrics.constants.js';
import { DLQ_STORE, MCP_SERVERS } from './bootstrap.constants.js';
import { createFastMcpOptions } from './fastmcp-options.factory.js';

/** FastMcpModule configured from the environment, recording into the app's metrics registry. */
@Module({
  imports: [
    FastMcpModule.forRootAsync({
      inject: [SAMPLE_CONFIG, MCP_SERVERS, DLQ_STORE],
      useFactory: createFastMcpOptions,
      extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useExisting: METRICS_REGISTRY }],
    }),
  ],
  exports: [FastMcpModule],
})
export class McpClientModule {}
