import type { ServerResponse } from 'node:http';
import { EnhancedFastMcpService } from '@app/fastmcp';
import {
  Body,
  Delete,
  Get,
  Headers,
  Inject,
  type MessageEvent,
  Param,
  Post,
  Query,
  Res,
  Sse,
  UseGuards,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { ApiUpstreamResponses } from '../tools/api-upstream-responses.decorator.js';
import { ClientAbortSignal } from '../tools/client-abort-signal.decorator.js';
import { ClientParamsDto } from '../tools/client-params.dto.js';
import { ConfiguredClientPipe } from '../tools/configured-client.pipe.js';
import { JsonBodyGuard } from '../validation/json-body.guard.js';
import { ResourceUpdateStreams } from './resource-update-streams.js';
import { ResourceUriDto } from './resource-uri.dto.js';
import { McpClientsController } from '../tools/mcp-clients-controller.decorator.js';

/** A client id's resource subscriptions, and the stream their updates come on. */
@McpClientsController()
export class SubscriptionsController {
  constructor(
    @Inject(EnhancedFastMcpService) private readonly client: EnhancedFastMcpService,
    @Inject(ResourceUpdateStreams) private readonly streams: ResourceUpdateStreams,
  ) {}

  @Get(':clientId/subscriptions')
  @ApiOperation({ summary: 'The URIs the client id is subscribed to' })
  @ApiResponse({ status: 200, description: '{ uris }' })
  @ApiResponse({ status: 404, description: 'Not a configured client id' })
  subscriptions(@Param(ConfiguredClientPipe) { clientId }: ClientParamsDto): { uris: string[] } {
    return { uris: this.client.getResourceSubscriptions(clientId) };
  }

  @Post(':clientId/subscriptions')
  @UseGuards(new JsonBodyGuard('the subscription'))
  @ApiOperation({
    summary:
      'Subscribe to the resource at { uri }, with retries; its updates come on /resource-updates',
  })
  @ApiResponse({ status: 201, description: '{ uris }: every subscribed URI' })
  @ApiUpstreamResponses(
    'Malformed client id, or no uri; a server that offers no subscriptions is a 502',
  )
  async subscribe(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
    @Body() { uri }: ResourceUriDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<{ uris: string[] }> {
    await this.client.subscribeResourceWithRetry(clientId, uri, { signal });
    return { uris: this.client.getResourceSubscriptions(clientId) };
  }

  @Delete(':clientId/subscriptions')
  @ApiOperation({ summary: 'Unsubscribe from the resource at ?uri=, with retries' })
  @ApiResponse({ status: 200, description: '{ uris }: the URIs still subscribed' })
  @ApiUpstreamResponses('Malformed client id, or no uri (or a query parameter other than uri)')
  async unsubscribe(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
    @Query() { uri }: ResourceUriDto,
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<{ uris: string[] }> {
    await this.client.unsubscribeResourceWithRetry(clientId, uri, { signal });
    return { uris: this.client.getResourceSubscriptions(clientId) };
  }

  @Sse(':clientId/resource-updates')
  @ApiOperation({
    summary:
      'Server-sent events: resource_updated ({ uri }) for each update of a subscribed resource, ping every 30 s; with Last-Event-ID, the updates missed since (or resync when they are not all kept)',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last event received, as an EventSource sends it when it reconnects',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'An event stream, open until the client leaves' })
  @ApiResponse({ status: 404, description: 'Not a configured client id' })
  @ApiResponse({ status: 503, description: 'Too many update streams are open' })
  updates(
    @Param(ConfiguredClientPipe) { clientId }: ClientParamsDto,
    @Res() response: ServerResponse,
    @Headers('last-event-id') lastEventId?: string,
  ): Observable<MessageEvent> {
    return this.streams.stream(clientId, response, lastEventId);
  }
}
