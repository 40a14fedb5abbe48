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
