import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { RetryOptions } from '../options/retry-options.interface.js';
import type { McpServerConfig } from '../options/server-config.interface.js';

type AmbiguousToolCalls = RetryOptions['ambiguousToolCalls'];

/**
 * Whether a tool may run twice: the server's per-tool policy wins, over `ambiguousToolCalls` too
 * (a tool said `never` is never repeated); otherwise `ambiguousToolCalls: 'always'`, or its
 * `idempotentHint`/`readOnlyHint` annotations, only on a server marked `trustToolAnnotations`.
 * A tool never listed has no annotations, so it is not safe.
 */
export function isSafeToRepeat(
  server: Readonly<McpServerConfig> | undefined,
  toolName: string,
  tool: Tool | undefined,
  ambiguousToolCalls: AmbiguousToolCalls = 'when-safe',
): boolean {
  const annotations = tool?.annotations;
  const annotatedSafe = annotations?.idempotentHint === true || annotations?.readOnlyHint === true;
  switch (server?.tools?.[toolName]?.retry) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'idempotent':
      return annotatedSafe;
    default:
      if (ambiguousToolCalls === 'always') return true;
      return annotatedSafe && server?.trustToolAnnotations === true;
  }
}
