import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { OutputSchemaValidators } from './output-schema-validators.js';
import { InertLogger } from '../logging/inert-logger.js';

/** How much of a schema mismatch an error quotes (after scrubbing: a cut never splits a secret). */
const MAX_ERROR_MESSAGE = 500;

/**
 * The tools each client id last listed, so that a call's `structuredContent` is checked against
 * the tool's `outputSchema`. A tool that was never listed is not checked; nor is one whose schema
 * this client cannot compile (or check a given result against): a WARN says so, once a listing.
 */
export class ToolCatalog {
  private readonly validators = new OutputSchemaValidators();
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private readonly byClient = new Map<string, Map<string, Tool>>();
  /** Until when each client id's listing may answer `listTools` (a server's `ttlMs`). */
  private readonly freshUntil = new Map<string, number>();
  private readonly warned = new WeakSet<Tool>();

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

  /** Whether the client id has a listing (one without the tool says the tool is not there). */
  has(clientId: string): boolean {
    return this.byClient.has(clientId);
  }

  forget(clientId: string): void {
    this.byClient.delete(clientId);
    this.freshUntil.delete(clientId);
  }

  /**
   * Throws McpProtocolError when a successful result does not match the tool's output schema.
   * The schema's words in the message are the server's: scrubbed of `target`'s secrets.
   */
  checkResult(
    clientId: string,
    toolName: string,
    result: CallToolResult,
    target: Pick<HttpTarget, 'headers' | 'url' | 'auth'>,
  ): void {
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
    const verdict = this.validators.check(tool.outputSchema, result.structuredContent);
    if (verdict.outcome === 'invalid') {
      throw new McpProtocolError(
        -32602,
        `structuredContent of tool ${toolName} does not match its outputSchema: ${new UpstreamText(target).excerpt(verdict.errorMessage, MAX_ERROR_MESSAGE)}`,
        fields,
      );
    }
    if (verdict.outcome === 'unchecked' && !this.warned.has(tool)) {
      this.warned.add(tool);
      this.logger.warn(
        `Results of tool ${toolName.slice(0, 100)} from ${clientId} are not checked against its outputSchema: ${verdict.reason}`,
      );
    }
  }
}
