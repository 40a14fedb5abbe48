import { type ConfigIssue, FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type { FastMcpModuleExtras } from '../fastmcp.module-definition.js';
import type { FastMcpModuleOptions } from './fastmcp-options.interface.js';
import { isOptionsObject } from './option-checks.js';
import { resolveOptions } from './resolve-options.js';
import { unreadableOptionsError } from './unreadable-options.js';

/**
 * What `forRoot` hands on to Nest, which copies the options key by key before the module sees
 * them: a Map or class instance would arrive as `{}` (the defaults), `null` as a TypeError, and
 * a getter that throws would throw its own text from `forRoot`. So they are refused here with
 * the same FastMcpConfigError the module's own validation gives; `undefined` means the defaults.
 */
export function forRootInput(raw: unknown): FastMcpModuleOptions & FastMcpModuleExtras {
  if (raw === undefined) return {};
  // Throws the error naming `options`: not an object, or not a plain one.
  if (!isOptionsObject(raw)) resolveOptions(raw as FastMcpModuleOptions);
  try {
    return { ...(raw as Record<string, unknown>) };
  } catch (error) {
    throw unreadableOptionsError(raw, error) ?? error;
  }
}

const ASYNC_FIELDS = [
  'imports',
  'useFactory',
  'useClass',
  'useExisting',
  'inject',
  'provideInjectionTokensFrom',
  'isGlobal',
  'extraProviders',
];
const SOURCES = ['useFactory', 'useClass', 'useExisting'] as const;
/** What Nest calls on an instance of `useClass` (the module definition's factory method name). */
const FACTORY_METHOD = 'createFastMcpOptions';

/**
 * What `forRootAsync` hands on to Nest, checked first: Nest ignores a key it does not know
 * (`useFactroy`, `isGloabl`), takes `useFactory` over `useClass` silently, and fails on a
 * factory that is not a function with a bare TypeError. Refused here, naming the key.
 */
export function forRootAsyncInput<T>(raw: T): T {
  if (!isOptionsObject(raw)) {
    throw new FastMcpConfigError([
      { field: 'forRootAsync', message: 'must be a plain object ({ useFactory, inject, ... })' },
    ]);
  }
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(raw).filter((k) => !ASYNC_FIELDS.includes(k))) {
    issues.push({
      field: key,
      message: `is not a forRootAsync option (${ASYNC_FIELDS.join(', ')})`,
    });
  }
  const given = SOURCES.filter((source) => raw[source] !== undefined);
  if (given.length !== 1) {
    issues.push({ field: 'forRootAsync', message: `give exactly one of ${SOURCES.join(', ')}` });
  }
  for (const source of given) {
    if (typeof raw[source] !== 'function')
      issues.push({ field: source, message: 'must be a function (or class)' });
  }
  // Nest would call it on an instance and fail with a bare TypeError.
  const useClass: unknown = raw.useClass;
  if (typeof useClass === 'function' && !hasFactoryMethod(useClass)) {
    issues.push({ field: 'useClass', message: `must be a class with ${FACTORY_METHOD}()` });
  }
  for (const list of ['imports', 'inject', 'provideInjectionTokensFrom']) {
    if (raw[list] !== undefined && !Array.isArray(raw[list])) {
      issues.push({ field: list, message: 'must be an array' });
    }
  }
  if (issues.length > 0) throw new FastMcpConfigError(issues);
  return raw;
}

function hasFactoryMethod(type: object): boolean {
  const prototype: unknown = (type as { prototype?: unknown }).prototype;
  if (typeof prototype !== 'object' || prototype === null) return false;
  return typeof (prototype as Record<string, unknown>)[FACTORY_METHOD] === 'function';
}
