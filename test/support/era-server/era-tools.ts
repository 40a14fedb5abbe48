import {
  acceptedContent,
  type CallToolResult,
  fromJsonSchema,
  inputRequired,
  type InputRequiredResult,
  inputResponse,
  McpServer,
  type ProtocolEra,
} from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import { registerEraContent } from './era-content.js';

/** The tool whose inputSchema mirrors `region` into `Mcp-Param-Region`. */
export const ROUTE_INPUT_SCHEMA = {
  type: 'object',
  properties: {
    region: { type: 'string', 'x-mcp-header': 'Region' },
    query: { type: 'string' },
  },
} as const;

/** A tool name outside the header-safe set, carried in `Mcp-Name` Base64-encoded. */
export const NON_ASCII_TOOL = 'grüße';

const CONFIRM_SCHEMA = {
  type: 'object' as const,
  properties: { confirm: { type: 'boolean' as const } },
  required: ['confirm'],
};

/** Counts each tool's executions, so a test can tell a retry from a single run. */
export type ToolRuns = Map<string, number>;

/**
 * The same tools for every set-up: text echo, an `isError` result, an `x-mcp-header` tool, a
 * non-ASCII name, and a tool that asks for confirmation (an `input_required` round in the
 * modern era, an elicitation request on the stream in the 2025 era).
 */
export function buildEraServer(era: ProtocolEra, runs: ToolRuns, toolsTtlMs?: number): McpServer {
  const cacheHints =
    toolsTtlMs === undefined
      ? undefined
      : { 'tools/list': { ttlMs: toolsTtlMs, cacheScope: 'private' as const } };
  const server = new McpServer({ name: 'era-test-server', version: '2.4.0' }, { cacheHints });
  const count = (name: string) => runs.set(name, (runs.get(name) ?? 0) + 1);
  server.registerTool(
    'echo',
    { description: 'Echo text', inputSchema: z.object({ text: z.string() }) },
    ({ text }) => {
      count('echo');
      return { content: [{ type: 'text' as const, text: `${text} (${era})` }] };
    },
  );
  server.registerTool('fail', { description: 'Always an isError result' }, () => {
    count('fail');
    return { content: [{ type: 'text' as const, text: 'it went wrong' }], isError: true };
  });
  server.registerTool(
    'route',
    {
      description: 'Routes by region',
      inputSchema: fromJsonSchema<{ region?: string; query?: string }>(ROUTE_INPUT_SCHEMA),
    },
    (args) => {
      count('route');
      return { content: [{ type: 'text' as const, text: `routed ${args.region ?? '<none>'}` }] };
    },
  );
  // The SDK warns about a name outside its recommended set: that is the point of this tool.
  quietly(() =>
    server.registerTool(NON_ASCII_TOOL, { description: 'A greeting' }, () => {
      count(NON_ASCII_TOOL);
      return { content: [{ type: 'text' as const, text: 'hallo' }] };
    }),
  );
  server.registerTool(
    'confirm',
    { description: 'Asks the user to confirm', inputSchema: z.object({ action: z.string() }) },
    async ({ action }, ctx): Promise<CallToolResult | InputRequiredResult> => {
      count('confirm');
      const message = `Really ${action}?`;
      if (era === 'modern') {
        const answer = acceptedContent(ctx.mcpReq.inputResponses, 'confirm');
        if (answer === undefined) {
          return inputRequired({
            inputRequests: {
              confirm: inputRequired.elicit({ message, requestedSchema: CONFIRM_SCHEMA }),
            },
            requestState: `state-for-${action}`,
          });
        }
        return { content: [{ type: 'text', text: `${action}: ${String(answer.confirm)}` }] };
      }
      const answer = await ctx.mcpReq.elicitInput({ message, requestedSchema: CONFIRM_SCHEMA });
      return {
        content: [{ type: 'text', text: `${action}: ${String(answer.content?.confirm)}` }],
      };
    },
  );
  server.registerTool(
    'summarise',
    { description: 'Needs a sampling and a roots round (modern era)' },
    (ctx): CallToolResult | InputRequiredResult => {
      count('summarise');
      if (era !== 'modern') return { content: [{ type: 'text', text: 'no sampling here' }] };
      const sample = inputResponse(ctx.mcpReq.inputResponses, 'sample');
      const roots = inputResponse(ctx.mcpReq.inputResponses, 'roots');
      if (sample.kind !== 'sampling' || roots.kind !== 'roots') {
        return inputRequired({
          inputRequests: {
            sample: inputRequired.createMessage({
              messages: [{ role: 'user', content: { type: 'text', text: 'Summarise' } }],
              maxTokens: 10,
            }),
            roots: inputRequired.listRoots(),
          },
        });
      }
      const said = sample.result.content;
      const text = !Array.isArray(said) && said.type === 'text' ? said.text : '?';
      const where = roots.roots.map((root) => root.uri).join(', ');
      return { content: [{ type: 'text', text: `${text} in ${where}` }] };
    },
  );
  server.registerTool(
    'insist',
    { description: 'Asks for another round every time (modern era)' },
    (ctx): CallToolResult | InputRequiredResult => {
      count('insist');
      if (era !== 'modern') return { content: [{ type: 'text', text: 'fine' }] };
      const round = Number(ctx.mcpReq.requestState<string>() ?? '0') + 1;
      return inputRequired({ requestState: String(round) });
    },
  );
  server.registerTool(
    'wait',
    { description: 'Waits until the request is cancelled, then counts wait-cancelled' },
    async (ctx): Promise<CallToolResult> => {
      count('wait');
      const { signal } = ctx.mcpReq;
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      count('wait-cancelled');
      return { content: [] };
    },
  );
  registerEraContent(server, era);
  return server;
}

function quietly(register: () => void): void {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    register();
  } finally {
    console.warn = warn;
  }
}
