import {
  InitializeResultSchema,
  LATEST_PROTOCOL_VERSION,
} from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import type { RetryRun } from '../retry/retry-run.js';
import { jsonRpcNotification } from '../transport/jsonrpc.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { McpHttpTransport } from '../transport/mcp-http.transport.js';
import type { McpSession } from './mcp-session.interface.js';

/** Protocol revisions this client speaks, newest first (Streamable HTTP). */
export const NEGOTIABLE_PROTOCOL_VERSIONS = [LATEST_PROTOCOL_VERSION, '2025-06-18', '2025-03-26'];

export interface ConnectedSession {
  session: McpSession;
  target: HttpTarget;
}

/** `initialize`, then `notifications/initialized`: the MCP handshake with one server. */
export async function performHandshake(
  transport: McpHttpTransport,
  clientId: string,
  server: McpServerConfig,
  clientInfo: { name: string; version: string },
  run: RetryRun,
): Promise<ConnectedSession> {
  const requested = server.protocolVersion ?? LATEST_PROTOCOL_VERSION;
  const target: HttpTarget = { url: server.url, headers: server.headers ?? {} };
  const { result, sessionId } = await transport.request(
    target,
    'initialize',
    { protocolVersion: requested, capabilities: {}, clientInfo },
    run,
  );
  const parsed = InitializeResultSchema.safeParse(result);
  if (!parsed.success) {
    throw new McpProtocolError(-32603, 'the initialize result is not valid MCP', { clientId });
  }
  const { protocolVersion, serverInfo, capabilities, instructions } = parsed.data;
  if (!NEGOTIABLE_PROTOCOL_VERSIONS.includes(protocolVersion)) {
    throw new McpProtocolError(-32602, `unsupported protocol version ${protocolVersion}`, {
      clientId,
    });
  }
  const connected: HttpTarget = { ...target, sessionId, protocolVersion };
  await transport.notify(
    connected,
    jsonRpcNotification('notifications/initialized'),
    run.attemptSignal,
  );
  return {
    session: {
      clientId,
      url: server.url,
      sessionId,
      protocolVersion,
      serverInfo,
      capabilities,
      instructions,
    },
    target: connected,
  };
}
