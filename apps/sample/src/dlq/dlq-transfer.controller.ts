import { DeadLetterQueueService, type DlqImportResult } from '@app/fastmcp';
import {
  BadRequestException,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Logger,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DlqApiController } from './dlq-api.decorator.js';
import { DlqFilterDto, toDlqFilter } from './dlq-filter.dto.js';
import { NdjsonLineNumbers } from './ndjson-line-numbers.js';
import { ndjsonLines, type NdjsonLimits } from './ndjson.js';
import { NdjsonBodyGuard } from './ndjson-body.guard.js';
import { decodedBody } from './decoded-body.js';

/**
 * What `POST /dlq/import` reads at most: 64 MiB in all, 1 MiB a line. An exported entry stays
 * under 1 MiB: its arguments are capped at `dlq.maxArgumentBytes` (256 KiB by default), its request
 * params at twice that, its error and its 10 attempt messages at DLQ_MESSAGE_MAX_BYTES (2 KiB).
 */
const IMPORT_LIMITS: NdjsonLimits = { maxBytes: 64 * 1024 * 1024, maxLineBytes: 1024 * 1024 };

/** NDJSON export and import of the DLQ (secrets were redacted before any entry existed). */
@DlqApiController()
export class DlqTransferController {
  private readonly logger = new Logger('Sample');

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
    // pipeline stops reading the entries as soon as the client leaves (read or not), and cuts
    // the response short if the store fails mid-way, so a partial export never looks complete.
    try {
      await pipeline(async function* () {
        if (!first.done) yield `${JSON.stringify(first.value)}\n`;
        for await (const entry of entries) yield `${JSON.stringify(entry)}\n`;
      }, response);
    } catch (error) {
      // A client that left is no failure of ours.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    } finally {
      await entries.return(undefined);
    }
  }

  @Post('import')
  @UseGuards(NdjsonBodyGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Import NDJSON from /dlq/export: ids kept, entries already stored skipped, bad lines listed',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string', example: '{"id":"01M8J5MXRZBV8JNQDE8V8AVJ8M",...}\n' } })
  @ApiResponse({
    status: 200,
    description:
      '{ imported, skipped, invalid: [{ line, reason }] (the first 100), invalidCount, stoppedAtLine? }',
  })
  @ApiResponse({
    status: 400,
    description: 'Body over 64 MiB or a line over 1 MiB (once decompressed), or not decodable',
  })
  @ApiResponse({
    status: 415,
    description:
      'The body is not application/x-ndjson, or is compressed otherwise than gzip, deflate or br',
  })
  async import(
    @Req() request: IncomingMessage,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<DlqImportResult> {
    const lines = new NdjsonLineNumbers();
    try {
      const body = decodedBody(request);
      const result = await this.dlq.import(ndjsonLines(body, IMPORT_LIMITS, lines));
      const invalid = result.invalid.map((bad) => ({ ...bad, line: lines.lineOf(bad.line) }));
      const { stoppedAtLine } = result;
      if (stoppedAtLine === undefined) return { ...result, invalid };
      return { ...result, invalid, stoppedAtLine: lines.lineOf(stoppedAtLine) };
    } catch (error) {
      if (error instanceof RangeError) throw new BadRequestException(error.message);
      if (isZlibError(error)) throw new BadRequestException(`body not decodable: ${error.message}`);
      if (clientLeft(request, error)) {
        // Nobody is there to answer: a line in the log, not an unhandled error with its stack.
        this.logger.warn(
          'DLQ import stopped: the client closed the connection before the body ended; what was ' +
            'read before was stored (importing the file again skips it)',
        );
        throw new BadRequestException('the client closed the connection before the body ended');
      }
      throw error;
    } finally {
      // A refused or stopped import leaves the rest of the body unread: the answer closes the
      // connection instead of waiting for it (the socket is not destroyed first, so the client
      // gets the answer).
      if (!request.complete) response.setHeader('connection', 'close');
    }
  }
}

/** The request failed because its client closed the connection mid-body. */
function clientLeft(request: IncomingMessage, error: unknown): boolean {
  return !request.complete && (error as { code?: unknown } | null)?.code === 'ECONNRESET';
}

/** A zlib or brotli failure on a corrupt compressed body (`Z_DATA_ERROR`, `ERR__ERROR_FORMAT_...`). */
function isZlibError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof Error &&
    typeof code === 'string' &&
    /^(Z_|ERR__|ERR_BROTLI|ERR_ZLIB)/.test(code)
  );
}
