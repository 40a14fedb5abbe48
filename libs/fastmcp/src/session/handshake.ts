import {
  type ClientCapabilities,
  type InitializeResult,
  InitializeResultSchema,
  LATEST_PROTOCOL_VERSION,
} from '@modelcontextprotocol/sdk/types.js';
import type { ServerAuth } from '../auth/server-auth.interface.js';
import { takesTasks } from '../protocol/client-task-capability.js';
import type { ClientTaskStore } from '../protocol/client-task-store.js';
import { NEGOTIABLE_PROTOCOL_VERSIONS } from '../options/protocol-versions.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../client/json-depth.js';
import { isMcpTransportError } from '../errors/mcp-transport.error.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import type { RetryRun } from '../retry/retry-run.js';
import { traceableSessionId } from '../transport/attempt-trace.js';
import { jsonRpcNotification } from '../transport/jsonrpc.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { McpHttpTransport } from '../transport/mcp-http.transport.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { LegacySession } from './legacy-session.js';
import { serverWords } from './server-words.js';

/** Who the client is to this server. */
export interface HandshakeClient {
  clientInfo: { name: string; version: string };
  capabilities: ClientCapabilities;
  auth?: ServerAuth;
  /**
   * Where the session keeps the tasks its server gives the client, when `capabilities` declares
   * `tasks`: the session's target carries it when the server agrees on a revision with tasks.
   */
  tasks?: ClientTaskStore;
}

/** The revision `initialize` asks for: the pinned 2025 one, else the latest. */
export function initializeVersion(server: McpServerConfig): string {
  const pinned = server.protocolVersion;
  return pinned && NEGOTIABLE_PROTOCOL_VERSIONS.includes(pinned) ? pinned : LATEST_PROTOCOL_VERSION;
}

/** `initialize`, then `notifications/initialized`: the 2025-era handshake with one server. */
export async function performHandshake(
  transport: McpHttpTransport,
  clientId: string,
  server: McpServerConfig,
  client: HandshakeClient,
  run: RetryRun,
): Promise<LegacySession> {
  const { clientInfo, capabilities } = client;
  const requested = initializeVersion(server);
  const target: HttpTarget = {
    url: server.url,
    headers: server.headers ?? {},
    auth: client.auth,
    maxResponseBytes: server.maxResponseBytes,
  };
  const { result, sessionId } = await transport.request(
    target,
    'initialize',
    { protocolVersion: requested, capabilities, clientInfo },
    run,
  );
  let accepted: InitializeResult;
  try {
    accepted = acceptedInitialize(result, target, clientId);
    assertSessionId(sessionId, clientId);
  } catch (error) {
    // End the session the server just made for us: nobody will ever use it.
    if (sessionId) await transport.terminate({ ...target, sessionId }).catch(() => undefined);
    throw error;
  }
  const { protocolVersion } = accepted;
  const upstream = new UpstreamText(target);
  const words = serverWords(accepted, upstream);
  // Decided once here: the session's every traced request shows it, or none does.
  const traceSessionId = traceableSessionId(sessionId, upstream);
  const connected: HttpTarget = {
    ...target,
    sessionId,
    traceSessionId,
    protocolVersion,
    era: 'legacy',
    ...(client.tasks && takesTasks(protocolVersion) ? { tasks: client.tasks } : {}),
  };
  try {
    await transport.send(
      connected,
      jsonRpcNotification('notifications/initialized'),
      run.attemptSignal,
    );
  } catch (error) {
    // The session exists on the server but is nobody's (unless the answer said it is gone): the
    // next attempt opens another.
    const gone = isMcpTransportError(error) && error.failure === 'session_lost';
    if (sessionId && !gone) await transport.terminate(connected).catch(() => undefined);
    throw error;
  }
  const session = {
    clientId,
    url: server.url,
    sessionId,
    protocolVersion,
    era: 'legacy' as const,
    serverInfo: words.serverInfo,
    capabilities: words.capabilities,
    instructions: words.instructions,
  };
  return new LegacySession(transport, session, connected);
}

/** The initialize result, when it is valid MCP in a version this client speaks. */
function acceptedInitialize(
  result: unknown,
  target: HttpTarget,
  clientId: string,
): InitializeResult {
  // Capabilities and serverInfo may hold any JSON: a session is serialised later (a REST reply).
  if (nestsDeeperThan(result, MAX_JSON_DEPTH)) {
    throw new McpProtocolError(
      -32603,
      `the initialize result nests deeper than ${MAX_JSON_DEPTH} levels`,
      { clientId },
    );
  }
  const parsed = InitializeResultSchema.safeParse(result);
  if (!parsed.success) {
    throw new McpProtocolError(-32603, 'the initialize result is not valid MCP', { clientId });
  }
  const { protocolVersion } = parsed.data;
  if (!NEGOTIABLE_PROTOCOL_VERSIONS.includes(protocolVersion)) {
    const version = new UpstreamText(target).excerpt(protocolVersion, 100);
    throw new McpProtocolError(-32602, `unsupported protocol version ${version}`, { clientId });
  }
  return parsed.data;
}

/** What the spec allows in a session id (visible ASCII), up to 8 KiB. */
const SESSION_ID = /^[\x21-\x7e]{1,8192}$/;

function assertSessionId(sessionId: string | undefined, clientId: string): void {
  if (!sessionId || SESSION_ID.test(sessionId)) return;
  throw new McpProtocolError(
    -32603,
    'the Mcp-Session-Id of the initialize answer is not 1 to 8192 visible ASCII characters',
    { clientId },
  );
}
