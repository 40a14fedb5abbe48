import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { McpClientHandlers } from '../options/client-handlers.interface.js';
import { eraOf } from './protocol-era.js';

/** The first revision with tasks; 2025-06-18 and 2025-03-26 have none. */
const FIRST_TASKS_REVISION = '2025-11-25';

/**
 * True for a 2025-era revision that has tasks (2025-11-25). 2026-07-28 moved them to an extension
 * (`io.modelcontextprotocol/tasks`) with another envelope, which this client does not declare.
 */
export function takesTasks(protocolVersion: string): boolean {
  return eraOf(protocolVersion) === 'legacy' && protocolVersion >= FIRST_TASKS_REVISION;
}

/**
 * The `tasks` capability of a 2025-11-25 `initialize`: `list`, `cancel`, and in `requests` the
 * elicitation and sampling a server may send as tasks, each only when its handler is set.
 * Undefined when neither is, or with `taskRequests: false`.
 */
export function clientTaskCapability(
  handlers: Readonly<McpClientHandlers>,
): ClientCapabilities['tasks'] {
  if (handlers.taskRequests === false) return undefined;
  if (!handlers.elicitation && !handlers.sampling) return undefined;
  return {
    list: {},
    cancel: {},
    requests: {
      ...(handlers.elicitation ? { elicitation: { create: {} } } : {}),
      ...(handlers.sampling ? { sampling: { createMessage: {} } } : {}),
    },
  };
}
