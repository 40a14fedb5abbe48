import {
  CLIENT_ID_PATTERN,
  DLQ_DEFAULT_PAGE_LIMIT,
  DLQ_MAX_PAGE_LIMIT,
  DLQ_PRIORITIES,
  type DlqPriority,
  ERROR_CLASS_PATTERN,
  OPERATION_NAMES,
  type OperationName,
} from '@app/fastmcp';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class ListDlqQueryDto {
  @ApiPropertyOptional({ enum: OPERATION_NAMES })
  @IsOptional()
  @IsIn(OPERATION_NAMES)
  operation?: OperationName;

  @ApiPropertyOptional({ example: 'demo' })
  @IsOptional()
  @Matches(CLIENT_ID_PATTERN, {
    message: 'clientId must be 1-128 letters, digits, . _ : - starting with a letter or digit',
  })
  clientId?: string;

  @ApiPropertyOptional({ example: 'http_503', description: 'http_<status>, timeout, network, ...' })
  @IsOptional()
  @Matches(ERROR_CLASS_PATTERN, {
    message:
      'errorClass must be 1-64 letters, digits, _ . : - starting with a letter or digit (e.g. http_503)',
  })
  errorClass?: string;

  @ApiPropertyOptional({ enum: DLQ_PRIORITIES })
  @IsOptional()
  @IsIn(DLQ_PRIORITIES)
  priority?: DlqPriority;

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
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(DLQ_MAX_PAGE_LIMIT)
  limit?: number;
}
