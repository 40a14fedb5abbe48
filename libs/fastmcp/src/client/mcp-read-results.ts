import {
  CompleteResultSchema,
  GetPromptResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListTasksResultSchema,
  ReadResourceResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

/** The result schema of each read method (the SDK's, which pass fields they do not know). */
export const READ_RESULT_SCHEMAS = {
  'resources/list': ListResourcesResultSchema,
  'resources/templates/list': ListResourceTemplatesResultSchema,
  'resources/read': ReadResourceResultSchema,
  'prompts/list': ListPromptsResultSchema,
  'prompts/get': GetPromptResultSchema,
  'completion/complete': CompleteResultSchema,
  'tasks/list': ListTasksResultSchema,
} as const;

export type ReadMethod = keyof typeof READ_RESULT_SCHEMAS;

export type ReadResult<M extends ReadMethod> = z.infer<(typeof READ_RESULT_SCHEMAS)[M]>;

/**
 * Checks a read's result against its schema, after its depth (whatever serialises it next
 * overflows its stack at a few thousand levels); anything else is McpProtocolError -32603.
 */
export function parseReadResult<M extends ReadMethod>(
  method: M,
  result: unknown,
  clientId: string,
): ReadResult<M> {
  if (nestsDeeperThan(result, MAX_JSON_DEPTH)) {
    throw new McpProtocolError(
      -32603,
      `the ${method} result nests deeper than ${MAX_JSON_DEPTH} levels`,
      { clientId },
    );
  }
  const parsed = READ_RESULT_SCHEMAS[method].safeParse(result);
  if (!parsed.success) {
    throw new McpProtocolError(-32603, `the ${method} result is not valid MCP`, { clientId });
  }
  return parsed.data as ReadResult<M>;
}
