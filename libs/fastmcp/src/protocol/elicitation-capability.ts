import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ElicitationMode, McpClientHandlers } from '../options/client-handlers.interface.js';

/** The modes declared when `handlers.elicitationModes` is not set: form only. */
export const DEFAULT_ELICITATION_MODES: readonly ElicitationMode[] = ['form'];

/**
 * The `elicitation` capability: each mode of `handlers.elicitationModes` (form only by default),
 * form with `applyDefaults` (the client fills the requested schema's defaults in, SEP-1034).
 */
export function elicitationCapability(
  handlers: Readonly<McpClientHandlers>,
): NonNullable<ClientCapabilities['elicitation']> {
  const modes = handlers.elicitationModes ?? DEFAULT_ELICITATION_MODES;
  return {
    ...(modes.includes('form') ? { form: { applyDefaults: true } } : {}),
    ...(modes.includes('url') ? { url: {} } : {}),
  };
}
