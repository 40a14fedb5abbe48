import { createMcpHandler, fromJsonSchema, McpServer } from '@modelcontextprotocol/server';
import { type LoopbackServer, serveOnLoopback } from '../loopback-server.js';
import { serveFetch } from './fetch-on-node.js';

/**
 * Tools whose `outputSchema` is not an object, each with the `structuredContent` it returns: valid
 * in 2026-07-28, where an output schema may be any JSON Schema and structured content any JSON
 * value.
 */
export const TYPED_OUTPUT_TOOLS = {
  names: { schema: { type: 'array', items: { type: 'string' } }, value: ['ada', 'grace'] },
  label: { schema: { type: 'string' }, value: 'hello' },
  either: { schema: { anyOf: [{ type: 'string' }, { type: 'number' }] }, value: 7 },
  maybe: { schema: { type: ['string', 'null'] }, value: null },
} as const;

export interface TypedOutputServerHandle {
  url: string;
  close(): Promise<void>;
}

/**
 * An SDK v2 server (`@modelcontextprotocol/server`, dual: 2026-07-28 and stateless 2025) with
 * the tools of TYPED_OUTPUT_TOOLS and `plain`, a tool without an output schema.
 */
export async function startTypedOutputServer(): Promise<TypedOutputServerHandle> {
  const mcp = createMcpHandler(() => {
    const server = new McpServer({ name: 'typed-output', version: '1.0.0' });
    for (const [name, { schema, value }] of Object.entries(TYPED_OUTPUT_TOOLS)) {
      server.registerTool(
        name,
        { description: `returns ${JSON.stringify(value)}`, outputSchema: fromJsonSchema(schema) },
        () => ({
          content: [{ type: 'text', text: JSON.stringify(value) }],
          structuredContent: value,
        }),
      );
    }
    server.registerTool('plain', { description: 'no output schema' }, () => ({
      content: [{ type: 'text', text: 'plain' }],
    }));
    return server;
  });
  const loopback: LoopbackServer = await serveOnLoopback((req, res) =>
    serveFetch((request) => mcp.fetch(request), req, res),
  );
  return {
    url: `http://127.0.0.1:${loopback.port}/mcp`,
    close: async () => {
      await mcp.close();
      await loopback.close();
    },
  };
}
