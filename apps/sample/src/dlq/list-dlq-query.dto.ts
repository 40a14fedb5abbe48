import { DLQ_DEFAULT_PAGE_LIMIT, DLQ_MAX_PAGE_LIMIT } from '@app/fastmcp';
import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { digitsToNumber } from '../validation/digits-to-number.js';
import { DlqFilterDto } from './dlq-filter.dto.js';

/** The list's filters are the export's and bulk replay's, so a list shows what a job would take. */
export class ListDlqQueryDto extends PickType(DlqFilterDto, [
  'operation',
  'clientId',
  'errorClass',
  'priority',
  'olderThan',
  'newerThan',
] as const) {
  @ApiPropertyOptional({
    enum: ['newest', 'priority'],
    default: 'newest',
    description: 'newest: newest first; priority: high, normal, low, newest first within each',
  })
  @IsOptional()
  @IsIn(['newest', 'priority'])
  sort?: 'newest' | 'priority';

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: DLQ_MAX_PAGE_LIMIT,
    default: DLQ_DEFAULT_PAGE_LIMIT,
  })
  @IsOptional()
  @Transform(digitsToNumber)
  @IsInt()
  @Min(1)
  @Max(DLQ_MAX_PAGE_LIMIT)
  limit?: number;
}
