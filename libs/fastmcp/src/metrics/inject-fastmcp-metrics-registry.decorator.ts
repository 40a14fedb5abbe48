import { Inject } from '@nestjs/common';
import { FASTMCP_METRICS_REGISTRY } from './fastmcp-metrics.constants.js';

/** Injects the prom-client `Registry` the module's metrics live in. */
export const InjectFastMcpMetricsRegistry = (): ParameterDecorator =>
  Inject(FASTMCP_METRICS_REGISTRY);
