import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

/** What a server-to-client request came back with, as the tool saw it. */
export type ClientAnswer =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly code: number | null; readonly message: string };

/** A tool result carrying `report` both as JSON text and as structuredContent. */
export function toolReport(report: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(report) }],
    structuredContent: report,
  };
}

/** Runs a request to the client and turns its outcome (result or error) into a ClientAnswer. */
export async function answerOf(request: () => Promise<unknown>): Promise<ClientAnswer> {
  try {
    return { ok: true, result: await request() };
  } catch (error) {
    return {
      ok: false,
      code: error instanceof McpError ? error.code : null,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
