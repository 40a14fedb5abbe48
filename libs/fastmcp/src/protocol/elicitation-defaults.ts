import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * Fills the requested schema's defaults into an accepted answer, for every property the
 * handler left out (SEP-1034). Other answers pass through.
 */
export function applyElicitationDefaults(
  params: ElicitRequest['params'],
  result: ElicitResult,
): ElicitResult {
  if (result.action !== 'accept' || !('requestedSchema' in params)) return result;
  const content: Record<string, unknown> = { ...(result.content ?? {}) };
  for (const [name, property] of Object.entries(params.requestedSchema.properties)) {
    const fallback = (property as { default?: unknown }).default;
    if (content[name] === undefined && fallback !== undefined) content[name] = fallback;
  }
  return { ...result, content: content as ElicitResult['content'] };
}
