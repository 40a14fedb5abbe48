import type { Provider } from '@nestjs/common';

/** Providers of the Prometheus metrics. Placeholder until the metrics land. */
export const metricsProviders: Provider[] = [];

export const metricsExports: Array<string | symbol | Provider> = [];
