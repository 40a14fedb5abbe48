import { HttpModule } from '@nestjs/axios';
import { type DynamicModule, Module } from '@nestjs/common';
import { DeadLetterWriter } from './client/dead-letter.writer.js';
import { EnhancedFastMcpService } from './client/enhanced-fastmcp.service.js';
import { McpOperations } from './client/mcp-operations.js';
import { McpReads } from './client/mcp-reads.js';
import { InFlightOperations } from './client/in-flight-operations.js';
import { OperationRunner } from './client/operation-runner.js';
import { dlqExports, dlqProviders } from './dlq/dlq.providers.js';
import { OPERATION_REPLAYER } from './dlq/replay/operation-replayer.interface.js';
import { REDRIVE_GATE } from './dlq/replay/redrive-gate.interface.js';
import { PipelineRedriveGate } from './client/pipeline-redrive.gate.js';
import { FastMcpEvents } from './events/fastmcp-events.service.js';
import {
  FASTMCP_ASYNC_OPTIONS_TYPE,
  FASTMCP_MODULE_OPTIONS,
  FASTMCP_OPTIONS_TYPE,
  FastMcpConfigurableModule,
} from './fastmcp.module-definition.js';
import { FastMcpLogListener } from './logging/fastmcp-log.listener.js';
import { metricsExports, metricsProviders } from './metrics/metrics.providers.js';
import { FASTMCP_RESOLVED_OPTIONS } from './options/fastmcp-options.constants.js';
import type { FastMcpModuleOptions } from './options/fastmcp-options.interface.js';
import { forRootAsyncInput, forRootInput } from './options/for-root-input.js';
import { resolveOptions } from './options/resolve-options.js';
import { ServerAuthRegistry } from './auth/server-auth.registry.js';
import { ElicitationCompletions } from './protocol/elicitation-completions.js';
import { ServerMessageDispatcher } from './protocol/server-message.dispatcher.js';
import { McpConnector } from './session/mcp-connector.js';
import { ResourceSubscriptions } from './session/resource-subscriptions.js';
import { SubscriptionListeners } from './session/subscription-listeners.js';
import { McpHttpTransport } from './transport/mcp-http.transport.js';
import { ServerStreamListener } from './transport/server-stream.listener.js';
import { ResponseBudget } from './transport/response-budget.js';
import { SYSTEM_CLOCK } from './retry/clock.js';
import { RetryPolicies } from './retry/retry-policies.js';
import { ServerPipelines } from './pipeline/server-pipelines.js';
import { tracingProviders } from './tracing/tracing.providers.js';

/**
 * Registers the MCP client, the dead-letter queue and the metrics.
 * `FastMcpModule.forRoot(options)` or `FastMcpModule.forRootAsync({ useFactory, inject, imports })`.
 */
@Module({
  // registerAsync: a factory makes one axios instance per app; `register` would share one
  // instance (and its agents) between every app in the process.
  imports: [HttpModule.registerAsync({ useFactory: () => ({ maxRedirects: 0 }) })],
  providers: [
    {
      provide: FASTMCP_RESOLVED_OPTIONS,
      useFactory: (raw: FastMcpModuleOptions) => resolveOptions(raw),
      inject: [FASTMCP_MODULE_OPTIONS],
    },
    SYSTEM_CLOCK,
    FastMcpEvents,
    FastMcpLogListener,
    ElicitationCompletions,
    ServerMessageDispatcher,
    ServerAuthRegistry,
    ResponseBudget,
    McpHttpTransport,
    ServerStreamListener,
    ResourceSubscriptions,
    SubscriptionListeners,
    McpConnector,
    RetryPolicies,
    ServerPipelines,
    McpOperations,
    McpReads,
    DeadLetterWriter,
    InFlightOperations,
    OperationRunner,
    EnhancedFastMcpService,
    { provide: OPERATION_REPLAYER, useExisting: EnhancedFastMcpService },
    { provide: REDRIVE_GATE, useClass: PipelineRedriveGate },
    ...dlqProviders,
    ...metricsProviders,
    ...tracingProviders,
  ],
  exports: [
    FASTMCP_RESOLVED_OPTIONS,
    FastMcpEvents,
    EnhancedFastMcpService,
    ServerPipelines,
    ...dlqExports,
    ...metricsExports,
  ],
})
export class FastMcpModule extends FastMcpConfigurableModule {
  static override forRoot(options?: typeof FASTMCP_OPTIONS_TYPE): DynamicModule {
    return super.forRoot(forRootInput(options));
  }

  static override forRootAsync(options: typeof FASTMCP_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(forRootAsyncInput(options));
  }
}
