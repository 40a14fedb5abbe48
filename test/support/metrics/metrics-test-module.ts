import type { Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { register, Registry } from 'prom-client';
import { DeadLetterQueueService } from '../../../libs/fastmcp/src/dlq/core/dead-letter-queue.service.js';
import { FastMcpEvents } from '../../../libs/fastmcp/src/events/fastmcp-events.service.js';
import { FastMcpLogListener } from '../../../libs/fastmcp/src/logging/fastmcp-log.listener.js';
import { FASTMCP_METRICS_REGISTRY } from '../../../libs/fastmcp/src/metrics/fastmcp-metrics.constants.js';
import type { DlqStatsSource } from '../../../libs/fastmcp/src/metrics/dlq-stats.cache.js';
import { metricsProviders } from '../../../libs/fastmcp/src/metrics/metrics.providers.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../../../libs/fastmcp/src/options/fastmcp-options.constants.js';
import type { FastMcpModuleOptions } from '../../../libs/fastmcp/src/options/fastmcp-options.interface.js';
import { resolveOptions } from '../../../libs/fastmcp/src/options/resolve-options.js';

export interface MetricsTestModule {
  moduleRef: TestingModule;
  events: FastMcpEvents;
  registry: Registry;
}

export interface MetricsTestModuleSetup {
  options?: FastMcpModuleOptions;
  /** Default: a new Registry; `'default'` keeps the module's own default (prom-client's `register`). */
  registry?: Registry | 'default';
  /** Stands in for `DeadLetterQueueService`. Default: none (the gauges stay at 0). */
  dlq?: DlqStatsSource | null;
  providers?: Provider[];
  /** Also boot FastMcpLogListener. Default false. */
  logs?: boolean;
}

/**
 * Boots the events, the metrics providers (and the log listener if asked) without the rest of the module,
 * with their own registry. Close `moduleRef` after the test.
 */
export async function createMetricsTestModule(
  setup: MetricsTestModuleSetup = {},
): Promise<MetricsTestModule> {
  const registry = setup.registry === 'default' ? register : (setup.registry ?? new Registry());
  const registryProvider =
    setup.registry === 'default' ? [] : [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }];
  const moduleRef = await Test.createTestingModule({
    providers: [
      FastMcpEvents,
      ...(setup.logs ? [FastMcpLogListener] : []),
      { provide: FASTMCP_RESOLVED_OPTIONS, useValue: resolveOptions(setup.options) },
      { provide: DeadLetterQueueService, useValue: setup.dlq ?? null },
      ...metricsProviders,
      ...registryProvider,
      ...(setup.providers ?? []),
    ],
  }).compile();
  await moduleRef.init();
  return { moduleRef, events: moduleRef.get(FastMcpEvents), registry };
}
