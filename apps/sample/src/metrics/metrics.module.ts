import { type DynamicModule, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import type { Registry } from 'prom-client';
import { collectProcessMetrics } from './default-metrics.js';
import { METRICS_REGISTRY } from './metrics.constants.js';
import { MetricsController } from './metrics.controller.js';

@Module({})
class MetricsRegistryModule {}

/**
 * GET /metrics through @willsoto/nestjs-prometheus, on `registry` (prom-client's global one in
 * production, a fresh one per test app). Process metrics are collected into the same registry
 * (once per registry: the module is meant to be booted once per process with the default one).
 */
@Module({})
export class MetricsModule {
  static forRoot(registry: Registry): DynamicModule {
    const registryModule: DynamicModule = {
      module: MetricsRegistryModule,
      global: true,
      providers: [
        {
          provide: METRICS_REGISTRY,
          useFactory: () => {
            collectProcessMetrics(registry);
            return registry;
          },
        },
      ],
      exports: [METRICS_REGISTRY],
    };
    return {
      module: MetricsModule,
      imports: [
        registryModule,
        PrometheusModule.registerAsync({
          imports: [registryModule],
          controller: MetricsController,
          useFactory: () => ({ defaultMetrics: { enabled: false } }),
        }),
      ],
    };
  }
}
