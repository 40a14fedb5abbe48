import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { parseSampleEnv } from './parse-sample-env.js';
import { SAMPLE_CONFIG } from './sample-config.constants.js';
import type { SampleConfig } from './sample-config.interface.js';

/** Reads the environment once through @nestjs/config and provides the checked SampleConfig. */
@Module({})
export class SampleConfigModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: SampleConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [registerAs('sample', () => parseSampleEnv(env))],
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
