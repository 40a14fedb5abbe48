import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { replyJsonRpcError } from './http-replies.js';

/** Stateless mode: a fresh McpServer + transport per POST, closed when the response closes. */
export class StatelessRequests {
  constructor(
    private readonly createServer: () => McpServer,
    private readonly jsonResponse: boolean,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (req.method !== 'POST') return replyJsonRpcError(res, 405, -32000, 'Method not allowed.');
    const mcp = this.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: this.jsonResponse,
    });
    res.on('close', () => void mcp.close());
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  }
}
