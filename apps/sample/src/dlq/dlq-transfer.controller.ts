import { DeadLetterQueueService, type DlqImportResult } from '@app/fastmcp';
import {
  BadRequestException,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DlqApiController } from './dlq-api.decorator.js';
import { DlqFilterDto, toDlqFilter } from './dlq-filter.dto.js';
import { ndjsonLines } from './ndjson.js';

/** Largest NDJSON body `POST /dlq/import` reads. */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** NDJSON export and import of the DLQ (secrets were redacted before any entry existed). */
@DlqApiController()
export class DlqTransferController {
  constructor(@Inject(DeadLetterQueueService) private readonly dlq: DeadLetterQueueService) {}

  @Get('export')
  @ApiOperation({
    summary: 'Stream the matching entries as NDJSON, one entry a line, newest first',
  })
  @ApiProduces('application/x-ndjson')
  @ApiResponse({ status: 200, description: 'One JSON entry a line' })
  @ApiResponse({ status: 400, description: 'Bad filter' })
  async export(@Query() query: DlqFilterDto, @Res() response: ServerResponse): Promise<void> {
    const entries = this.dlq.export(toDlqFilter(query));
    // The first entry is read before the headers go out, so a failing store is still a 4xx/5xx.
    const first = await entries.next();
    response.statusCode = HttpStatus.OK;
    response.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('content-disposition', 'attachment; filename="dlq-export.ndjson"');
    if (!first.done) response.write(`${JSON.stringify(first.value)}\n`);
    try {
      for await (const entry of entries) {
        if (!response.write(`${JSON.stringify(entry)}\n`)) {
          await new Promise((resolve) => response.once('drain', resolve));
        }
      }
    } finally {
      response.end();
    }
  }

  @Post('import')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Import NDJSON from /dlq/export: ids kept, entries already stored skipped, bad lines listed',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string', example: '{"id":"01M8J5MXRZBV8JNQDE8V8AVJ8M",...}\n' } })
  @ApiResponse({ status: 200, description: '{ imported, skipped, invalid: [{ line, reason }] }' })
  @ApiResponse({ status: 400, description: 'Body too large' })
  async import(@Req() request: IncomingMessage): Promise<DlqImportResult> {
    const lines = ndjsonLines(request, MAX_IMPORT_BYTES);
    try {
      return await this.dlq.import(lines);
    } catch (error) {
      if (error instanceof RangeError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
