import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { RawReply, RawSender } from './raw-http-senders.js';

interface JsonRpcResponse {
  id?: number | string;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/**
 * The floor of the call-overhead comparison: MCP by hand over a keep-alive HTTP sender (axios or
 * node:http). `initialize` and `notifications/initialized` once, then each `tools/call` is one
 * POST with the session headers, answered as JSON or SSE. No retry, no validation, no events.
 */
export class RawMcpClient {
  private sessionId = '';
  private nextId = 0;

  constructor(
    private readonly url: string,
    private readonly sender: RawSender,
  ) {}

  async connect(): Promise<void> {
    const init = await this.post({
      method: 'initialize',
      params: {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'raw-client', version: '1.0.0' },
      },
    });
    if (!init.result) throw new Error('initialize failed');
    const ack = await this.sender.post(
      this.url,
      JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      this.headers(),
    );
    if (ack.status !== 202) throw new Error(`notifications/initialized: HTTP ${ack.status}`);
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.post({ method: 'tools/call', params: { name, arguments: args } });
    if (!reply.result) throw new Error(`tools/call failed: ${reply.error?.message}`);
    return reply.result;
  }

  close(): void {
    this.sender.close();
  }

  private async post(message: { method: string; params: unknown }): Promise<JsonRpcResponse> {
    const id = (this.nextId += 1);
    const body = JSON.stringify({ jsonrpc: '2.0', id, ...message });
    const send = (): Promise<RawReply> => this.sender.post(this.url, body, this.headers());
    // A keep-alive socket the server closed while idle (its 5 s keepAliveTimeout) fails with
    // ECONNRESET when reused: send once more on a fresh socket, as any keep-alive client must.
    const response = await send().catch((error: { code?: string }) => {
      if (error.code === 'ECONNRESET') return send();
      throw error;
    });
    if (response.status !== 200) throw new Error(`${message.method}: HTTP ${response.status}`);
    if (response.sessionId) this.sessionId = response.sessionId;
    return response.contentType.includes('text/event-stream')
      ? fromSse(response.text, id)
      : (JSON.parse(response.text) as JsonRpcResponse);
  }

  private headers(): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
      ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
    };
  }
}

/** The response with `id` among the `data:` lines of an SSE body. */
function fromSse(body: string, id: number): JsonRpcResponse {
  for (const line of body.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const message = JSON.parse(line.slice(5)) as JsonRpcResponse;
    if (message.id === id) return message;
  }
  throw new Error(`no response with id ${id} in the SSE body`);
}
