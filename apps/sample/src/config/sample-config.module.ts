import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { SAMPLE_CONFIG } from './sample-config.constants.js';
import type { SampleConfig } from './sample-config.interface.js';

/**
 * Provides the SampleConfig, parsed and checked once at start (parseSampleEnv, in createApp),
 * through @nestjs/config.
 */
@Module({})
export class SampleConfigModule {
  static forRoot(config: SampleConfig): DynamicModule {
    return {
      module: SampleConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [registerAs('sample', () => config)],
        }),
      ],
      providers: [
        {
          provide: SAMPLE_CONFIG,
          useFactory: (config: ConfigService) => config.getOrThrow<SampleConfig>('sample'),
          inject: [ConfigService],
        },
      ],
      exports: [SAMPLE_CONFIG],
    };
  }
}
