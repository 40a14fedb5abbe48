import { EnhancedFastMcpService } from '@app/fastmcp';
import {
  Body,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ApiUpstreamResponses, UPSTREAM_UNAVAILABLE } from './api-upstream-responses.decorator.js';
import { CallToolDto } from './call-tool.dto.js';
import { ClientAbortSignal } from './client-abort-signal.decorator.js';
import { ClientParamsDto } from './client-params.dto.js';
import { ConfiguredClientPipe } from './configured-client.pipe.js';
import { ConfiguredClients } from './configured-clients.service.js';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor.js';
import { JsonBodyGuard } from '../validation/json-body.guard.js';
import type { McpClientView } from './mcp-client-view.interface.js';
import { ToolParamsDto } from './tool-params.dto.js';
import { McpClientsController } from './mcp-clients-controller.decorator.js';

@McpClientsController()
export class ToolsController {
  constructor(
    @Inject(EnhancedFastMcpService) private readonly client: EnhancedFastMcpService,
    @Inject(ConfiguredClients) private readonly clients: ConfiguredClients,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The configured client ids and whether they are connected' })
  list(): McpClientView[] {
    return this.clients.list();
  }

  @Post(':clientId/connect')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Connect (MCP initialize) with retries' })
  @ApiResponse({ status: 200, description: 'The client, as GET /mcp/clients lists it' })
  @ApiUpstreamResponses()
  async connect(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
  ): Promise<McpClientView | undefined> {
    await this.client.connectWithRetry(clientId);
    return this.clients.list().find((view) => view.clientId === clientId);
  }

  @Get(':clientId/tools')
  @ApiOperation({ summary: "The server's tools, with retries" })
  @ApiResponse({ status: 200, description: '{ tools }' })
  @ApiUpstreamResponses()
  async tools(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
  ): Promise<{ tools: Tool[] }> {
    return { tools: await this.client.listToolsWithRetry(clientId) };
  }

  @Post(':clientId/tools/:toolName/call')
  @HttpCode(HttpStatus.OK)
  @UseGuards(new JsonBodyGuard('the tool call'))
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Runs the call at most once per key (1-255 printable ASCII, e.g. a UUID): the same request again gets the first answer (Idempotent-Replayed: true) without running, for IDEMPOTENCY_TTL_MS',
  })
  @ApiOperation({
    summary:
      'Call a tool with retries; a final failure goes to the DLQ; a client hanging up cancels it',
  })
  @ApiResponse({
    status: 200,
    description: 'The CallToolResult (a tool error is a 200 with isError: true, as MCP says)',
  })
  @ApiResponse({
    status: 400,
    description:
      'Invalid body (too deeply nested, a forbidden key, an unknown priority...), a malformed client id or tool name, or a query parameter',
  })
  @ApiResponse({ status: 404, description: 'Not a configured client id' })
  @ApiResponse({
    status: 409,
    description:
      'A request with this Idempotency-Key is still running (Retry-After), or it did not finish or its answer was too large to keep: not run again',
  })
  @ApiResponse({
    status: 422,
    description: 'This Idempotency-Key was used for another request',
  })
  @ApiResponse({ status: 413, description: 'The body is larger than BODY_LIMIT' })
  @ApiResponse({ status: 415, description: 'The body is not application/json' })
  @ApiResponse({ status: 502, description: 'The MCP server failed (the call is dead-lettered)' })
  @ApiResponse({ status: 503, description: UPSTREAM_UNAVAILABLE })
  @ApiResponse({ status: 504, description: 'The MCP server timed out' })
  call(
    @Param(ConfiguredClientPipe) { clientId, toolName }: ToolParamsDto,
    @Body() body: CallToolDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<CallToolResult> {
    return this.client.callToolWithRetry(clientId, toolName, body.arguments, {
      signal,
      priority: body.priority,
      task: body.task,
    });
  }
}
