import { type DynamicModule, Module } from '@nestjs/common';
import { DLQ_STORE, MCP_SERVERS } from './bootstrap.constants.js';
import type { SampleRuntime } from './sample-runtime.js';

/**
 * The runtime the sample started before Nest (see create-app.ts), as providers. Values only: the
 * sample, not Nest, starts and stops them, so their order does not depend on module depth.
 */
@Module({})
export class SampleRuntimeModule {
  static forRoot(runtime: SampleRuntime): DynamicModule {
    return {
      module: SampleRuntimeModule,
      global: true,
      providers: [
        { provide: DLQ_STORE, useValue: runtime.dlq },
        { provide: MCP_SERVERS, useValue: runtime.servers },
      ],
      exports: [DLQ_STORE, MCP_SERVERS],
    };
  }
}
