import { EnhancedFastMcpService } from '@app/fastmcp';
import { Body, Get, HttpCode, HttpStatus, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { GetPromptResult, Prompt } from '@modelcontextprotocol/sdk/types.js';
import { ApiUpstreamResponses } from '../tools/api-upstream-responses.decorator.js';
import { ClientAbortSignal } from '../tools/client-abort-signal.decorator.js';
import { ClientParamsDto } from '../tools/client-params.dto.js';
import { ConfiguredClientPipe } from '../tools/configured-client.pipe.js';
import { JsonBodyGuard } from '../validation/json-body.guard.js';
import { GetPromptDto } from './get-prompt.dto.js';
import { PromptParamsDto } from './prompt-params.dto.js';
import { McpClientsController } from '../tools/mcp-clients-controller.decorator.js';

@McpClientsController()
export class PromptsController {
  constructor(@Inject(EnhancedFastMcpService) private readonly client: EnhancedFastMcpService) {}

  @Get(':clientId/prompts')
  @ApiOperation({ summary: "The server's prompts (every page), with retries" })
  @ApiResponse({ status: 200, description: '{ prompts }' })
  @ApiUpstreamResponses()
  async prompts(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<{ prompts: Prompt[] }> {
    return { prompts: await this.client.listPromptsWithRetry(clientId, { signal }) };
  }

  @Post(':clientId/prompts/:promptName/get')
  @HttpCode(HttpStatus.OK)
  @UseGuards(new JsonBodyGuard('the prompt request'))
  @ApiOperation({ summary: 'The prompt filled with the arguments, with retries' })
  @ApiResponse({ status: 200, description: 'The GetPromptResult ({ messages })' })
  @ApiResponse({ status: 413, description: 'The body is larger than BODY_LIMIT' })
  @ApiResponse({ status: 415, description: 'The body is not application/json' })
  @ApiUpstreamResponses(
    'Malformed client id or prompt name, or arguments that are not strings by name',
  )
  get(
    @Param(ConfiguredClientPipe) { clientId, promptName }: PromptParamsDto,
    @Body() body: GetPromptDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<GetPromptResult> {
    return this.client.getPromptWithRetry(clientId, promptName, body.arguments, { signal });
  }
}
