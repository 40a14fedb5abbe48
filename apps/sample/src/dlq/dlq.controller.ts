import {
  DlqEntryNotFoundError,
  DeadLetterQueueService,
  DlqReplayService,
  EnhancedFastMcpService,
  type DlqStats,
  type DlqTimeline,
  type FailedOperation,
  type Page,
  type ReplayResult,
} from '@app/fastmcp';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { isSession, sessionClientView } from '../tools/session-view.js';
import { JsonBodyGuard } from '../validation/json-body.guard.js';
import { CleanupDlqDto } from './cleanup-dlq.dto.js';
import { DlqBrowser } from './dlq-browser.service.js';
import { durationToMs } from './duration.js';
import { DlqTimelineQueryDto } from './dlq-timeline-query.dto.js';
import { ListDlqQueryDto } from './list-dlq-query.dto.js';
import { ReplayDlqQueryDto } from './replay-dlq-query.dto.js';
import { rethrowUnconfiguredClient } from './unconfigured-client.js';

@ApiTags('dlq')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiResponse({ status: 401, description: 'Missing or invalid API key' })
@ApiResponse({ status: 503, description: 'The DLQ store is unreachable' })
@Controller('dlq')
export class DlqController {
  constructor(
    @Inject(DeadLetterQueueService) private readonly dlq: DeadLetterQueueService,
    @Inject(DlqReplayService) private readonly replays: DlqReplayService,
    @Inject(DlqBrowser) private readonly browser: DlqBrowser,
    @Inject(EnhancedFastMcpService) private readonly client: EnhancedFastMcpService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'List entries, newest first or by priority (sort=priority); filter by operation, clientId, errorClass, priority, olderThan, newerThan',
  })
  @ApiResponse({ status: 200, description: '{ items, nextCursor? }' })
  @ApiResponse({ status: 400, description: 'Bad filter, sort, cursor or limit' })
  list(@Query() query: ListDlqQueryDto): Promise<Page<FailedOperation>> {
    return this.browser.list(query);
  }

  @Get('stats')
  @ApiOperation({
    summary:
      'Counts by operation, client id, error class and priority; entries due for redrive; oldest age',
  })
  @ApiResponse({
    status: 200,
    description:
      '{ total, byOperation, byClientId (top 20), byErrorClass (top 50), clientIdCount, errorClassCount, byPriority, dueForRedrive, oldestAgeSeconds, newestAt }',
  })
  stats(): Promise<DlqStats> {
    return this.dlq.getStats();
  }

  @Get('timeline')
  @ApiOperation({
    summary:
      'Entries per time bucket (by creation) and error class, the newest bucket holding now: a chart without reading entries',
  })
  @ApiResponse({
    status: 200,
    description: '{ startAt, bucketMs, series: [{ errorClass (null: the rest), counts }] }',
  })
  @ApiResponse({ status: 400, description: 'Bad bucket, buckets or classes' })
  timeline(@Query() query: DlqTimelineQueryDto): Promise<DlqTimeline> {
    return this.dlq.timeline({
      bucketMs: durationToMs(query.bucket),
      buckets: query.buckets ?? 24,
      classes: query.classes ?? 7,
    });
  }

  @Post('cleanup')
  @HttpCode(HttpStatus.OK)
  @UseGuards(new JsonBodyGuard('the cleanup'))
  @ApiOperation({ summary: 'Remove entries older than olderThan (7d, 12h, ... or ms)' })
  @ApiResponse({ status: 200, description: '{ removed }' })
  @ApiResponse({ status: 400, description: 'Missing or bad olderThan' })
  @ApiResponse({ status: 413, description: 'The body is larger than BODY_LIMIT' })
  @ApiResponse({ status: 415, description: 'The body is not application/json' })
  async cleanup(@Body() body: CleanupDlqDto): Promise<{ removed: number }> {
    return { removed: await this.dlq.cleanup(durationToMs(body.olderThan)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One entry' })
  @ApiResponse({ status: 200, description: 'The entry' })
  @ApiResponse({ status: 400, description: 'Malformed id (not a ULID)' })
  @ApiResponse({ status: 404, description: 'No entry has this id' })
  async get(@Param('id') id: string): Promise<FailedOperation> {
    const entry = await this.dlq.get(id);
    if (!entry) throw new DlqEntryNotFoundError(id);
    return entry;
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an entry' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 400, description: 'Malformed id (not a ULID)' })
  @ApiResponse({ status: 404, description: 'No entry has this id' })
  async delete(@Param('id') id: string): Promise<void> {
    if (!(await this.dlq.delete(id))) throw new DlqEntryNotFoundError(id);
  }

  @Post(':id/replay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Run the operation again; on success the entry is removed' })
  @ApiResponse({ status: 200, description: '{ id, result }: the entry is removed' })
  @ApiResponse({ status: 400, description: 'Malformed id, or force is not true or false' })
  @ApiResponse({ status: 404, description: 'No entry has this id' })
  @ApiResponse({
    status: 409,
    description:
      'Nothing is sent: a replay of this entry is already running, or the entry is deliveryUnknown and force is not set, or its previous replay was abandoned (even with force; a later forced replay runs it), or its arguments were capped when stored (never replayed), or its client id is not configured on this instance',
  })
  @ApiResponse({ status: 502, description: 'The replay failed upstream; the entry stays' })
  @ApiResponse({
    status: 503,
    description:
      'The DLQ store is unreachable, or the app is shutting down (nothing is sent; the entry is left as it was)',
  })
  @ApiResponse({ status: 504, description: 'The replay timed out upstream; the entry stays' })
  async replay(@Param('id') id: string, @Query() query: ReplayDlqQueryDto): Promise<ReplayResult> {
    const replayed = await this.replays
      .replay(id, { force: query.force === 'true' })
      .catch(rethrowUnconfiguredClient);
    // A connect entry's result is the session: shown as GET /mcp/clients shows a server.
    if (!isSession(replayed.result)) return replayed;
    const connected = this.client.getSession(replayed.result.clientId) !== undefined;
    return { ...replayed, result: sessionClientView(replayed.result, connected) };
  }
}
