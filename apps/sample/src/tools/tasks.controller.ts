import { EnhancedFastMcpService } from '@app/fastmcp';
import { Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { CallToolResult, Task } from '@modelcontextprotocol/sdk/types.js';
import { ApiUpstreamResponses } from './api-upstream-responses.decorator.js';
import { ClientAbortSignal } from './client-abort-signal.decorator.js';
import { ClientParamsDto } from './client-params.dto.js';
import { ConfiguredClientPipe } from './configured-client.pipe.js';
import { McpClientsController } from './mcp-clients-controller.decorator.js';
import { TaskParamsDto } from './task-params.dto.js';

/** The tasks of tools that run as tasks (MCP 2025-11-25): those a call left running, and theirs. */
@McpClientsController()
export class TasksController {
  constructor(@Inject(EnhancedFastMcpService) private readonly client: EnhancedFastMcpService) {}

  @Get(':clientId/tasks')
  @ApiOperation({ summary: "The session's tasks and their status (tasks/list), with retries" })
  @ApiResponse({ status: 200, description: '{ tasks }' })
  @ApiUpstreamResponses()
  async tasks(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<{ tasks: Task[] }> {
    return { tasks: await this.client.listToolTasksWithRetry(clientId, { signal }) };
  }

  @Get(':clientId/tasks/:taskId/result')
  @ApiOperation({
    summary:
      'Wait for the result of a task a tool call left running (its 502 named the task): the tool is not called again; a client hanging up stops the wait, not the task',
  })
  @ApiResponse({ status: 200, description: "The tool's CallToolResult" })
  @ApiUpstreamResponses('Malformed client id or task id')
  result(
    @Param(ConfiguredClientPipe) { clientId, taskId }: TaskParamsDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<CallToolResult> {
    return this.client.awaitToolTaskWithRetry(clientId, taskId, { signal });
  }
}
