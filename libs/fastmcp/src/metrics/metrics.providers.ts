import type { Provider } from '@nestjs/common';
import { register } from 'prom-client';
import { DlqStatsCache } from './dlq-stats.cache.js';
import { FASTMCP_METRICS_CLOCK, FASTMCP_METRICS_REGISTRY } from './fastmcp-metrics.constants.js';
import { FastMcpMetricsListener } from './fastmcp-metrics.listener.js';
import { FastMcpMetrics } from './fastmcp-metrics.service.js';

/**
 * Providers of the Prometheus metrics. The registry defaults to prom-client's global `register`;
 * a provider of `FASTMCP_METRICS_REGISTRY` in `extraProviders` replaces it.
 */
export const metricsProviders: Provider[] = [
  { provide: FASTMCP_METRICS_REGISTRY, useValue: register },
  { provide: FASTMCP_METRICS_CLOCK, useValue: () => Date.now() },
  DlqStatsCache,
  FastMcpMetrics,
  FastMcpMetricsListener,
];

export const metricsExports: Array<string | symbol | Provider> = [
  FASTMCP_METRICS_REGISTRY,
  FastMcpMetrics,
];
