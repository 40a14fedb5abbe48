import { EnhancedFastMcpService } from '@app/fastmcp';
import { Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type {
  ReadResourceResult,
  Resource,
  ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import { ApiUpstreamResponses } from '../tools/api-upstream-responses.decorator.js';
import { ClientAbortSignal } from '../tools/client-abort-signal.decorator.js';
import { ClientParamsDto } from '../tools/client-params.dto.js';
import { ConfiguredClientPipe } from '../tools/configured-client.pipe.js';
import { ResourceUriDto } from './resource-uri.dto.js';
import { McpClientsController } from '../tools/mcp-clients-controller.decorator.js';

@McpClientsController()
export class ResourcesController {
  constructor(@Inject(EnhancedFastMcpService) private readonly client: EnhancedFastMcpService) {}

  @Get(':clientId/resources')
  @ApiOperation({ summary: "The server's resources (every page), with retries" })
  @ApiResponse({ status: 200, description: '{ resources }' })
  @ApiUpstreamResponses()
  async resources(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<{ resources: Resource[] }> {
    return { resources: await this.client.listResourcesWithRetry(clientId, { signal }) };
  }

  @Get(':clientId/resource-templates')
  @ApiOperation({ summary: "The server's resource templates (every page), with retries" })
  @ApiResponse({ status: 200, description: '{ resourceTemplates }' })
  @ApiUpstreamResponses()
  async resourceTemplates(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<{ resourceTemplates: ResourceTemplate[] }> {
    const resourceTemplates = await this.client.listResourceTemplatesWithRetry(clientId, {
      signal,
    });
    return { resourceTemplates };
  }

  @Get(':clientId/resources/read')
  @ApiOperation({ summary: 'The contents of the resource at ?uri=, with retries' })
  @ApiResponse({ status: 200, description: 'The ReadResourceResult ({ contents })' })
  @ApiUpstreamResponses('Malformed client id, or no uri (or a query parameter other than uri)')
  read(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
    @Query() { uri }: ResourceUriDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<ReadResourceResult> {
    return this.client.readResourceWithRetry(clientId, uri, { signal });
  }
}
