import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import {
  parseJsonRpcBody,
  readRequestText,
} from '../../../apps/sample/src/demo-server/json-rpc-body.js';
import { sendJson } from './http-io.js';
import type { McpRequestRecord } from './oauth-test-server.interface.js';
import type { OAuthTokenStore } from './oauth-token-store.js';

type BearerRequest = IncomingMessage & { auth?: AuthInfo };

/** The few express response methods `requireBearerAuth` uses, over a node:http response. */
interface ExpressLikeResponse {
  set(name: string, value: string): ExpressLikeResponse;
  status(code: number): ExpressLikeResponse;
  json(body: unknown): ExpressLikeResponse;
}

type BearerMiddleware = (
  req: BearerRequest,
  res: ExpressLikeResponse,
  next: () => void,
) => Promise<void>;

export interface ProtectedMcpEndpointOptions {
  tokens: OAuthTokenStore;
  resourceUrl: string;
  /** Named in challenges; a 2025-03-26 server names none. */
  resourceMetadataUrl?: string;
  toolScopes: Record<string, string>;
  unavailableTools: string[];
  echoTokenInToolsList: boolean;
  records: McpRequestRecord[];
}

/**
 * The MCP endpoint behind the SDK's own bearer check (401 with `resource_metadata`), a per-tool
 * scope check (403 `insufficient_scope`), then a stateless official-SDK McpServer.
 */
export class ProtectedMcpEndpoint {
  private readonly bearer: BearerMiddleware;

  constructor(private readonly options: ProtectedMcpEndpointOptions) {
    const verifier = {
      verifyAccessToken: (token: string): Promise<AuthInfo> => {
        const info = options.tokens.verify(token);
        return info
          ? Promise.resolve(info)
          : Promise.reject(new InvalidTokenError('unknown token'));
      },
    };
    this.bearer = requireBearerAuth({
      verifier,
      resourceMetadataUrl: options.resourceMetadataUrl,
      expectedResource: new URL(options.resourceUrl),
    }) as BearerMiddleware;
  }

  async handle(req: BearerRequest, res: ServerResponse): Promise<void> {
    const record: McpRequestRecord = { status: 0 };
    this.options.records.push(record);
    res.on('finish', () => void (record.status = res.statusCode));
    const { body, messages } = parseJsonRpcBody(await readRequestText(req));
    record.rpcMethod = messages[0]?.method;
    record.toolName = messages[0]?.toolName;
    let passed = false;
    await this.bearer(req, expressLike(res), () => void (passed = true));
    if (!passed || !req.auth) return;
    const needed = record.toolName ? this.options.toolScopes[record.toolName] : undefined;
    if (needed && !req.auth.scopes.includes(needed)) {
      const metadataUrl = this.options.resourceMetadataUrl;
      const challenge = `Bearer error="insufficient_scope", scope="${needed}"${metadataUrl ? `, resource_metadata="${metadataUrl}"` : ''}`;
      return sendJson(res, 403, { error: 'insufficient_scope' }, { 'www-authenticate': challenge });
    }
    if (record.toolName && this.options.unavailableTools.includes(record.toolName)) {
      return sendJson(res, 503, { error: 'unavailable' });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    if (this.options.echoTokenInToolsList && record.rpcMethod === 'tools/list') {
      return sendJson(res, 200, toolsEchoing(req.auth.token, body));
    }
    const mcp = createProtectedMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void mcp.close());
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  }
}

function createProtectedMcpServer(): McpServer {
  const mcp = new McpServer({ name: 'oauth-test-server', version: '1.0.0' });
  const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
  mcp.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text: value }) => text(value));
  mcp.registerTool('whoami', {}, (extra) =>
    text(JSON.stringify({ clientId: extra.authInfo?.clientId, scopes: extra.authInfo?.scopes })),
  );
  for (const name of ['admin_action', 'root_action', 'unavailable']) {
    mcp.registerTool(name, {}, () => text(`${name} done`));
  }
  return mcp;
}

/**
 * A tools/list answer that says the caller's token back: as the name of a tool that is not valid
 * (its input schema is no object schema), and as its cursor.
 */
function toolsEchoing(token: string, body: unknown): Record<string, unknown> {
  const { id } = body as { id: unknown };
  const tools = [{ name: token, inputSchema: { type: 'string' } }];
  return { jsonrpc: '2.0', id, result: { tools, nextCursor: token } };
}

function expressLike(res: ServerResponse): ExpressLikeResponse {
  const adapter: ExpressLikeResponse = {
    set: (name, value) => {
      res.setHeader(name, value);
      return adapter;
    },
    status: (code) => {
      res.statusCode = code;
      return adapter;
    },
    json: (body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
      return adapter;
    },
  };
  return adapter;
}
