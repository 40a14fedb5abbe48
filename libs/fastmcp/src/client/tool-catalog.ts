import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { OutputSchemaValidators } from './output-schema-validators.js';

/**
 * The tools each client id last listed, so that a call's `structuredContent` is checked against
 * the tool's `outputSchema`. A tool that was never listed is not checked.
 */
export class ToolCatalog {
  private readonly validators = new OutputSchemaValidators();
  private readonly byClient = new Map<string, Map<string, Tool>>();
  /** Until when each client id's listing may answer `listTools` (a server's `ttlMs`). */
  private readonly freshUntil = new Map<string, number>();
  private readonly compiled = new WeakMap<Tool, JsonSchemaValidator<unknown>>();

  /** Keeps a listing; with `freshUntil`, `fresh` returns it until then. */
  remember(clientId: string, tools: readonly Tool[], freshUntil?: number): void {
    this.byClient.set(clientId, new Map(tools.map((tool) => [tool.name, tool])));
    if (freshUntil === undefined) this.freshUntil.delete(clientId);
    else this.freshUntil.set(clientId, freshUntil);
  }

  /** The last listing of `clientId` while it is fresh at `now`, else undefined. */
  fresh(clientId: string, now: number): Tool[] | undefined {
    const until = this.freshUntil.get(clientId);
    if (until === undefined || now >= until) return undefined;
    return [...(this.byClient.get(clientId)?.values() ?? [])];
  }

  tool(clientId: string, toolName: string): Tool | undefined {
    return this.byClient.get(clientId)?.get(toolName);
  }

  forget(clientId: string): void {
    this.byClient.delete(clientId);
    this.freshUntil.delete(clientId);
  }

  /** Throws McpProtocolError when a successful result does not match the tool's output schema. */
  checkResult(clientId: string, toolName: string, result: CallToolResult): void {
    const tool = this.byClient.get(clientId)?.get(toolName);
    if (!tool?.outputSchema || result.isError) return;
    const fields = { clientId, operation: 'call_tool' as const };
    if (result.structuredContent === undefined) {
      throw new McpProtocolError(
        -32602,
        `tool ${toolName} has an outputSchema but returned no structuredContent`,
        fields,
      );
    }
    const check = this.validatorFor(tool);
    const verdict = check(result.structuredContent);
    if (!verdict.valid) {
      throw new McpProtocolError(
        -32602,
        `structuredContent of tool ${toolName} does not match its outputSchema: ${verdict.errorMessage}`,
        fields,
      );
    }
  }

  private validatorFor(tool: Tool): JsonSchemaValidator<unknown> {
    let check = this.compiled.get(tool);
    if (!check) {
      check = this.validators.compile(tool.outputSchema!);
      this.compiled.set(tool, check);
    }
    return check;
  }
}
