import {
  CLIENT_ID_PATTERN,
  DLQ_PRIORITIES,
  type DlqFilter,
  type DlqPriority,
  ERROR_CLASS_PATTERN,
  OPERATION_NAMES,
  type OperationName,
} from '@app/fastmcp';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { IsOptionalNonNull } from '../validation/is-optional-non-null.js';
import { durationToMs } from './duration.js';
import { IsDuration } from './is-duration.validator.js';

/** Which entries an export or a bulk replay takes (query string or JSON body). */
export class DlqFilterDto {
  @ApiPropertyOptional({ enum: OPERATION_NAMES })
  @IsOptionalNonNull()
  @IsIn(OPERATION_NAMES)
  operation?: OperationName;

  @ApiPropertyOptional({ example: 'demo' })
  @IsOptionalNonNull()
  @Matches(CLIENT_ID_PATTERN, {
    message: 'clientId must be 1-128 letters, digits, . _ : - starting with a letter or digit',
  })
  clientId?: string;

  @ApiPropertyOptional({ example: 'http_503', description: 'http_<status>, timeout, network, ...' })
  @IsOptionalNonNull()
  @Matches(ERROR_CLASS_PATTERN, {
    message:
      'errorClass must be 1-64 letters, digits, _ . : - starting with a letter or digit (e.g. http_503)',
  })
  errorClass?: string;

  @ApiPropertyOptional({ enum: DLQ_PRIORITIES })
  @IsOptionalNonNull()
  @IsIn(DLQ_PRIORITIES)
  priority?: DlqPriority;

  @ApiPropertyOptional({
    description: 'Only entries created (first failed) longer ago than this (7d, 12h, ... or ms)',
    example: '1h',
  })
  @IsOptionalNonNull()
  @IsDuration()
  olderThan?: string | number;

  @ApiPropertyOptional({
    description: 'Only entries created (first failed) more recently than this',
    example: '7d',
  })
  @IsOptionalNonNull()
  @IsDuration()
  newerThan?: string | number;
}

/** The library's filter of a validated DTO. */
export function toDlqFilter(dto: DlqFilterDto): DlqFilter {
  const filter: DlqFilter = {};
  if (dto.operation !== undefined) filter.operation = dto.operation;
  if (dto.clientId !== undefined) filter.clientId = dto.clientId;
  if (dto.errorClass !== undefined) filter.errorClass = dto.errorClass;
  if (dto.priority !== undefined) filter.priority = dto.priority;
  if (dto.olderThan !== undefined) filter.olderThanMs = durationToMs(dto.olderThan);
  if (dto.newerThan !== undefined) filter.newerThanMs = durationToMs(dto.newerThan);
  return filter;
}
