import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { DlqFilterDto } from './dlq-filter.dto.js';

export class BulkReplayDto {
  @ApiPropertyOptional({ type: DlqFilterDto, description: 'Which entries (all when absent)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DlqFilterDto)
  filter?: DlqFilterDto;

  @ApiPropertyOptional({
    minimum: 0.1,
    maximum: 1000,
    default: 10,
    description: 'Replays started per second at most',
  })
  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(1000)
  rate?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 32, default: 4, description: 'Replays at once' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32)
  concurrency?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100000,
    default: 10000,
    description: 'Entries taken at most',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  limit?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Also replay entries marked deliveryUnknown',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}
