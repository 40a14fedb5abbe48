import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { register } from 'prom-client';
import type { AppModuleOptions } from './app-module-options.interface.js';
import { adminApiKeyProvider } from './auth/admin-api-key.provider.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import type { SampleRuntime } from './bootstrap/sample-runtime.js';
import { SampleRuntimeModule } from './bootstrap/sample-runtime.module.js';
import type { SampleConfig } from './config/sample-config.interface.js';
import { SampleConfigModule } from './config/sample-config.module.js';
import { DlqModule } from './dlq/dlq.module.js';
import { ErrorResponseFilter } from './errors/error-response.filter.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ToolsModule } from './tools/tools.module.js';
import { UnknownQueryGuard } from './validation/unknown-query.guard.js';
import { BodylessRouteGuard } from './validation/bodyless-route.guard.js';

/** The sample service: DLQ administration, MCP tools, /metrics, /health, behind the API key. */
@Module({})
export class AppModule {
  static forRoot(
    config: SampleConfig,
    runtime: SampleRuntime,
    options: AppModuleOptions = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SampleConfigModule.forRoot(config),
        SampleRuntimeModule.forRoot(runtime),
        MetricsModule.forRoot(options.registry ?? register),
        DlqModule,
        ToolsModule,
        HealthModule,
      ],
      providers: [
        adminApiKeyProvider,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: UnknownQueryGuard },
        { provide: APP_GUARD, useClass: BodylessRouteGuard },
        { provide: APP_FILTER, useClass: ErrorResponseFilter },
      ],
    };
  }
}
