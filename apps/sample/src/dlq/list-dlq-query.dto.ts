import {
  DLQ_PRIORITIES,
  type DlqPriority,
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
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, {
    message: 'clientId must be 1-128 letters, digits, . _ : - starting with a letter or digit',
  })
  clientId?: string;

  @ApiPropertyOptional({ example: 'http_503', description: 'http_<status>, timeout, network, ...' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'errorClass must look like http_503 or timeout' })
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

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
