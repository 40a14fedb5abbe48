import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../options/server-config.interface.js';

/**
 * Whether a tool may run twice: the server's per-tool policy wins; otherwise its
 * `idempotentHint`/`readOnlyHint` annotations, only on a server marked `trustToolAnnotations`.
 * A tool never listed has no annotations, so it is not safe.
 */
export function isSafeToRepeat(
  server: Readonly<McpServerConfig> | undefined,
  toolName: string,
  tool: Tool | undefined,
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
      return annotatedSafe && server?.trustToolAnnotations === true;
  }
}
