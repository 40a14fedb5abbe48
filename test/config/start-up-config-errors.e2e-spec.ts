import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FASTMCP_RESOLVED_OPTIONS,
  FastMcpModule,
  type FastMcpModuleOptions,
  isFastMcpConfigError,
} from '@app/fastmcp';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../../libs/fastmcp/src/options/fastmcp-options.defaults.js';
import type { ResolvedFastMcpOptions } from '../../libs/fastmcp/src/options/fastmcp-options.interface.js';

const URL_ = 'http://127.0.0.1:9/mcp';

/**
 * Boots the module as an app would (options from a factory, which Nest hands over as they are);
 * the FastMcpConfigError's fields if the start fails.
 */
async function startUpFailure(options: unknown, opened: TestingModule[]): Promise<string[]> {
  try {
    const module = await Test.createTestingModule({
      imports: [FastMcpModule.forRootAsync({ useFactory: () => options as FastMcpModuleOptions })],
    })
      .setLogger(false as never)
      .compile();
    opened.push(module);
    await module.init();
  } catch (error) {
    expect(isFastMcpConfigError(error)).toBe(true);
    return isFastMcpConfigError(error) ? error.issues.map((issue) => issue.field) : [];
  }
  return [];
}

describe('bad options stop the start, naming the field (not the first use)', () => {
  const opened: TestingModule[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((module) => module.close()));
  });
  const dlq = (redis: unknown): unknown => ({ metrics: false, dlq: { spillFile: false, redis } });

  it.each([
    [
      'a Redis URL as dlq.redis.client',
      dlq({ client: 'redis://127.0.0.1:6379' }),
      'dlq.redis.client',
    ],
    ['an object as dlq.redis.client', dlq({ client: {} }), 'dlq.redis.client'],
    ['an empty dlq.redis.namespace', dlq({ namespace: '' }), 'dlq.redis.namespace'],
    [
      'dlq.redis.namespace without RedisModule',
      dlq({ namespace: 'default' }),
      'dlq.redis.namespace',
    ],
    [
      'a cluster node port over 65535',
      dlq({ cluster: { nodes: ['127.0.0.1:99999'] } }),
      'dlq.redis.cluster.nodes[0]',
    ],
    [
      'a module operation policy the server retry contradicts',
      {
        retry: { operations: { call_tool: { initialDelayMs: 5000 } } },
        servers: { a: { url: URL_, retry: { maxDelayMs: 1000 } } },
      },
      'retry.operations.call_tool.initialDelayMs',
    ],
    ['servers as a Map', { servers: new Map([['a', { url: URL_ }]]) }, 'servers'],
    [
      'a Content-Length header',
      { servers: { a: { url: URL_, headers: { 'Content-Length': '5' } } } },
      'servers.a.headers.Content-Length',
    ],
    [
      'a getter that throws',
      {
        get retry(): never {
          throw new Error('boom');
        },
      },
      'retry',
    ],
  ])('%s', async (_name, options, field) => {
    expect(await startUpFailure(options, opened)).toEqual([field]);
  });
});

describe('forRoot checks its argument before Nest copies it key by key', () => {
  /** The FastMcpConfigError `forRoot(options)` throws: its fields and its message. */
  const forRootFailure = (options: unknown): { fields: string[]; message: string } => {
    try {
      FastMcpModule.forRoot(options as FastMcpModuleOptions);
    } catch (error) {
      expect(isFastMcpConfigError(error)).toBe(true);
      return isFastMcpConfigError(error)
        ? { fields: error.issues.map((issue) => issue.field), message: error.message }
        : { fields: [], message: '' };
    }
    return { fields: [], message: '' };
  };

  it.each([
    ['a Map', new Map([['shutdownGraceMs', -5]])],
    ['a class instance', new (class Options {})()],
    ['null', null],
    ['a string', 'x'],
    ['an array', [1]],
  ])('refuses %s, naming options', (_name, options) => {
    expect(forRootFailure(options).fields).toEqual(['options']);
  });

  it('names a getter that throws, without quoting what it threw', () => {
    const failure = forRootFailure({
      get retry(): never {
        throw new Error('token=s3cret-value-123');
      },
    });
    expect(failure.fields).toEqual(['retry']);
    expect(failure.message).not.toContain('s3cret-value-123');
  });

  it('takes undefined as the defaults, and a plain object as it is', async () => {
    const graces: number[] = [];
    for (const options of [undefined, { shutdownGraceMs: 5 }]) {
      const module = await Test.createTestingModule({
        imports: [FastMcpModule.forRoot(options)],
      })
        .setLogger(false as never)
        .compile();
      graces.push(module.get<ResolvedFastMcpOptions>(FASTMCP_RESOLVED_OPTIONS).shutdownGraceMs);
      await module.close();
    }
    expect(graces).toEqual([DEFAULT_SHUTDOWN_GRACE_MS, 5]);
  });
});

describe('forRootAsync checks its own keys', () => {
  const asyncFailure = (options: unknown): string[] => {
    try {
      FastMcpModule.forRootAsync(options as never);
    } catch (error) {
      expect(isFastMcpConfigError(error)).toBe(true);
      return isFastMcpConfigError(error) ? error.issues.map((issue) => issue.field) : [];
    }
    return [];
  };
  const factory = () => ({});
  class OptionsClass {
    createFastMcpOptions() {
      return {};
    }
  }

  it.each([
    ['a misspelt key', { useFactory: factory, isGloabl: true }, ['isGloabl']],
    ['no source', {}, ['forRootAsync']],
    ['a misspelt source', { useFactroy: factory }, ['useFactroy', 'forRootAsync']],
    ['two sources', { useFactory: factory, useClass: OptionsClass }, ['forRootAsync']],
    // Nest would call createFastMcpOptions() on an instance: a bare TypeError at start.
    ['a class without createFastMcpOptions()', { useClass: class {} }, ['useClass']],
    ['a factory that is not a function', { useFactory: {} }, ['useFactory']],
    ['inject that is not an array', { useFactory: factory, inject: 'CONFIG' }, ['inject']],
    ['null', null, ['forRootAsync']],
  ])('refuses %s, naming it', (_name, options, fields) => {
    expect(asyncFailure(options)).toEqual(fields);
  });

  it('takes a factory with its inject, imports and extras', async () => {
    const module = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRootAsync({
          imports: [],
          inject: [],
          useFactory: () => ({ shutdownGraceMs: 5 }),
          isGlobal: false,
          extraProviders: [],
        }),
      ],
    })
      .setLogger(false as never)
      .compile();
    expect(module.get<ResolvedFastMcpOptions>(FASTMCP_RESOLVED_OPTIONS).shutdownGraceMs).toBe(5);
    await module.close();
  });
});
