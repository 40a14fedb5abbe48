import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { McpClientHandlers } from '../options/client-handlers.interface.js';
import { clientTaskCapability } from './client-task-capability.js';
import { elicitationCapability } from './elicitation-capability.js';

/**
 * The capabilities declared: one for each handler that is set. `withTasks` (a 2025-11-25
 * `initialize`, never a 2026-07-28 envelope) adds the elicitation and sampling a server may send
 * as tasks (see clientTaskCapability).
 */
export function clientCapabilities(
  handlers: Readonly<McpClientHandlers>,
  { withTasks = false }: { withTasks?: boolean } = {},
): ClientCapabilities {
  const capabilities: ClientCapabilities = {};
  if (handlers.elicitation) capabilities.elicitation = elicitationCapability(handlers);
  if (handlers.sampling) capabilities.sampling = handlers.samplingTools ? { tools: {} } : {};
  if (handlers.roots) capabilities.roots = {};
  const tasks = withTasks ? clientTaskCapability(handlers) : undefined;
  if (tasks) capabilities.tasks = tasks;
  return capabilities;
}
