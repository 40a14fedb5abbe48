import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { McpClientHandlers } from '../options/client-handlers.interface.js';
import { elicitationCapability } from './elicitation-capability.js';

/** The capabilities declared in `initialize`: one for each handler that is set. */
export function clientCapabilities(handlers: Readonly<McpClientHandlers>): ClientCapabilities {
  const capabilities: ClientCapabilities = {};
  if (handlers.elicitation) capabilities.elicitation = elicitationCapability(handlers);
  if (handlers.sampling) capabilities.sampling = handlers.samplingTools ? { tools: {} } : {};
  if (handlers.roots) capabilities.roots = {};
  return capabilities;
}
