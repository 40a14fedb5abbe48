import type { ClientCapabilities, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

/** The 2026-07-28 tasks extension: a server may answer a `tools/call` with a task to poll. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/**
 * A modern request's capabilities with the tasks extension declared: the client follows a task
 * handle to the tool's result itself, so callers see a `tools/call` result either way.
 */
export function withTasksExtension(capabilities: ClientCapabilities): ClientCapabilities {
  const extensions = Object.assign({}, capabilities.extensions, { [TASKS_EXTENSION]: {} });
  return Object.assign({}, capabilities, { extensions });
}

/** The server's `server/discover` capabilities name the tasks extension. */
export function offersTasksExtension(capabilities: ServerCapabilities | undefined): boolean {
  const extensions = capabilities?.extensions as Record<string, unknown> | undefined;
  return extensions?.[TASKS_EXTENSION] !== undefined;
}
