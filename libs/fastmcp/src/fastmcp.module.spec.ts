import { HttpService } from '@nestjs/axios';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EnhancedFastMcpService } from './client/enhanced-fastmcp.service.js';
import { FastMcpConfigError } from './errors/fastmcp-config.error.js';
import { FastMcpModule } from './fastmcp.module.js';
import { FASTMCP_METRICS_REGISTRY } from './metrics/fastmcp-metrics.constants.js';
import { FASTMCP_RESOLVED_OPTIONS } from './options/fastmcp-options.constants.js';
import type {
  FastMcpModuleOptions,
  ResolvedFastMcpOptions,
} from './options/fastmcp-options.interface.js';

const OPTIONS: FastMcpModuleOptions = {
  baseUrl: 'http://127.0.0.1:9/mcp',
  retry: { maxRetries: 2 },
  metrics: false,
};

@Injectable()
class OptionsFactory {
  createFastMcpOptions(): FastMcpModuleOptions {
    return OPTIONS;
  }
}

@Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
class OptionsFactoryModule {}

const FORMS = {
  forRoot: (isGlobal?: boolean) => FastMcpModule.forRoot({ ...OPTIONS, isGlobal }),
  'forRootAsync useFactory': (isGlobal?: boolean) =>
    FastMcpModule.forRootAsync({ isGlobal, useFactory: () => OPTIONS }),
  'forRootAsync useFactory with inject': (isGlobal?: boolean) =>
    FastMcpModule.forRootAsync({
      isGlobal,
      imports: [OptionsFactoryModule],
      inject: [OptionsFactory],
      useFactory: (factory: OptionsFactory) => factory.createFastMcpOptions(),
    }),
  'forRootAsync useClass': (isGlobal?: boolean) =>
    FastMcpModule.forRootAsync({ isGlobal, useClass: OptionsFactory }),
  'forRootAsync useExisting': (isGlobal?: boolean) =>
    FastMcpModule.forRootAsync({
      isGlobal,
      imports: [OptionsFactoryModule],
      useExisting: OptionsFactory,
    }),
};

describe('FastMcpModule', () => {
  let moduleRef: TestingModule | undefined;

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  describe.each(Object.entries(FORMS))('%s', (_name, build) => {
    it('is not global unless asked, and global when asked', () => {
      expect(build().global).toBe(false);
      expect(build(true).global).toBe(true);
    });

    it('boots, injects the client with resolved options, and closes cleanly', async () => {
      moduleRef = await Test.createTestingModule({ imports: [build()] }).compile();
      await moduleRef.init();
      expect(moduleRef.get(EnhancedFastMcpService)).toBeInstanceOf(EnhancedFastMcpService);
      const resolved = moduleRef.get<ResolvedFastMcpOptions>(FASTMCP_RESOLVED_OPTIONS);
      expect(resolved.retry.maxRetries).toBe(2);
      expect(resolved.retry.initialDelayMs).toBe(100);
    });
  });

  it('adds extraProviders to the module', async () => {
    const EXTRA = 'EXTRA_TOKEN';
    moduleRef = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRootAsync({
          extraProviders: [{ provide: EXTRA, useValue: 42 }],
          inject: [EXTRA],
          useFactory: (extra: number) => ({ ...OPTIONS, retry: { maxRetries: extra - 40 } }),
        }),
      ],
    }).compile();
    expect(moduleRef.get<ResolvedFastMcpOptions>(FASTMCP_RESOLVED_OPTIONS).retry.maxRetries).toBe(
      2,
    );
  });

  it('fails the start with one named error listing every bad field', async () => {
    const failing = Test.createTestingModule({
      imports: [
        FastMcpModule.forRootAsync({
          useFactory: () => ({ baseUrl: 'nope', retry: { jitter: 3, initialDelayMs: -1 } }),
        }),
      ],
    }).compile();
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FastMcpConfigError);
    expect((error as FastMcpConfigError).issues.map((i) => i.field)).toEqual([
      'baseUrl',
      'retry.initialDelayMs',
      'retry.jitter',
    ]);
  });

  it('refuses extras of the wrong type when the module is declared, naming them', () => {
    const declare = () =>
      FastMcpModule.forRoot({
        ...OPTIONS,
        // 'false' from an environment variable would be truthy: the module would go global.
        isGlobal: 'false' as never,
        extraProviders: { provide: 'x', useValue: 1 } as never,
      });
    expect(declare).toThrow(FastMcpConfigError);
    expect(declare).toThrow(
      'Invalid FastMcpModule options: isGlobal: must be one of true, false; extraProviders: must be an array of providers',
    );
  });

  it('fails the start with FastMcpConfigError when a forRootAsync factory returns null', async () => {
    const error = await Test.createTestingModule({
      imports: [FastMcpModule.forRootAsync({ useFactory: () => null as never })],
    })
      .compile()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FastMcpConfigError);
    expect((error as FastMcpConfigError).issues.map((i) => i.field)).toEqual(['options']);
  });

  it('boots on the defaults when a forRootAsync factory returns undefined', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRootAsync({
          useFactory: () => undefined as never,
          // The default metrics, in a registry of their own.
          extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useValue: new Registry() }],
        }),
      ],
    }).compile();
    const resolved = moduleRef.get<ResolvedFastMcpOptions>(FASTMCP_RESOLVED_OPTIONS);
    expect(resolved.retry.maxRetries).toBe(3);
  });
});

describe('FastMcpModule in two apps of one process', () => {
  it('gives each app its own axios instance', async () => {
    const [a, b] = await Promise.all(
      [1, 2].map(() => Test.createTestingModule({ imports: [FORMS.forRoot()] }).compile()),
    );
    try {
      expect(a.get(HttpService).axiosRef).not.toBe(b.get(HttpService).axiosRef);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
