import { type BulkReplayJob, DlqBulkReplayService } from '@app/fastmcp';
import {
  Body,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { JsonBodyGuard } from '../validation/json-body.guard.js';
import { DlqApiController } from './dlq-api.decorator.js';
import { BulkReplayDto } from './bulk-replay.dto.js';
import { toDlqFilter } from './dlq-filter.dto.js';

/** Bulk replay jobs over the library's `DlqBulkReplayService`. */
@DlqApiController()
export class DlqJobsController {
  constructor(@Inject(DlqBulkReplayService) private readonly jobs: DlqBulkReplayService) {}

  @Post('replay')
  @HttpCode(HttpStatus.ACCEPTED)
  // A body that is missing, or not parsed, must not turn into `{}`: every entry.
  @UseGuards(new JsonBodyGuard('the bulk replay', { required: true }))
  @ApiOperation({
    summary:
      'Start a bulk replay job over a snapshot of the matching ids (high priority first), at a rate and concurrency',
  })
  @ApiResponse({ status: 202, description: 'The job, as recorded at its start' })
  @ApiResponse({
    status: 400,
    description: 'No body (send {} to replay every entry); bad filter, rate, concurrency or limit',
  })
  @ApiResponse({ status: 413, description: 'The body is larger than BODY_LIMIT' })
  @ApiResponse({ status: 415, description: 'The body is not application/json' })
  @ApiResponse({ status: 429, description: 'As many jobs as may run at once (8) are running' })
  start(@Body() body: BulkReplayDto): Promise<BulkReplayJob> {
    return this.jobs.start({
      filter: toDlqFilter(body.filter ?? {}),
      ratePerSecond: body.rate,
      concurrency: body.concurrency,
      limit: body.limit,
      force: body.force,
    });
  }

  @Get('jobs')
  @ApiOperation({ summary: 'The latest bulk replay jobs, newest first' })
  list(): Promise<BulkReplayJob[]> {
    return this.jobs.list();
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'A job and its progress: total, done, succeeded, failed, skipped' })
  @ApiResponse({ status: 200, description: 'The job' })
  @ApiResponse({ status: 400, description: 'Malformed id (not a UUID)' })
  @ApiResponse({ status: 404, description: 'No job has this id' })
  async get(@Param('id') id: string): Promise<BulkReplayJob> {
    return found(id, await this.jobs.get(id));
  }

  @Delete('jobs/:id')
  @ApiOperation({ summary: 'Cancel a running job (replays in flight finish)' })
  @ApiResponse({
    status: 200,
    description: 'The job as stored: a running one is cancelled, a finished one left as it is',
  })
  @ApiResponse({ status: 400, description: 'Malformed id (not a UUID)' })
  @ApiResponse({ status: 404, description: 'No job has this id' })
  async cancel(@Param('id') id: string): Promise<BulkReplayJob> {
    return found(id, await this.jobs.cancel(id));
  }
}

function found(id: string, job: BulkReplayJob | null): BulkReplayJob {
  if (!job) throw new NotFoundException(`bulk replay job ${id} not found`);
  return job;
}
