import {
  CLIENT_ID_PATTERN,
  DLQ_PRIORITIES,
  type DlqFilter,
  type DlqPriority,
  ERROR_CLASS_PATTERN,
  DLQ_OPERATION_NAMES,
  type DlqOperationName,
} from '@app/fastmcp';
import { type ApiPropertyOptions, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { IsOptionalNonNull } from '../validation/is-optional-non-null.js';
import { durationToMs } from './duration.js';
import { IsDuration } from './is-duration.validator.js';

/**
 * A duration as the API takes it, spelt out: a `string | number` property is reflected as
 * `Object` and published as `type: object` (generated clients would send an object). With
 * `oneOf` and the reflected type, a query parameter (`GET /dlq`, `/dlq/export`) still got
 * `allOf: [{ $ref: Object }]` (nestjs/swagger#3549). An empty `type`, which the typings do not
 * list, keeps the reflected `Object` out and names no type of its own (a body's schema drops it
 * for the `oneOf`, a query parameter's leaves it out), so `oneOf` alone describes the value.
 */
const NO_TYPE = '' as unknown as 'string';
const durationSchema = (example: string): ApiPropertyOptions => ({
  type: NO_TYPE,
  oneOf: [
    { type: 'string', example },
    { type: 'integer', minimum: 0 },
  ],
});

/** Which entries an export or a bulk replay takes (query string or JSON body). */
export class DlqFilterDto {
  @ApiPropertyOptional({ enum: DLQ_OPERATION_NAMES })
  @IsOptionalNonNull()
  @IsIn(DLQ_OPERATION_NAMES)
  operation?: DlqOperationName;

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
    ...durationSchema('1h'),
  })
  @IsOptionalNonNull()
  @IsDuration()
  olderThan?: string | number;

  @ApiPropertyOptional({
    description: 'Only entries created (first failed) more recently than this (7d, 12h, ... or ms)',
    ...durationSchema('7d'),
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
