import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { IsOptionalNonNull } from '../validation/is-optional-non-null.js';
import { DlqFilterDto } from './dlq-filter.dto.js';

export class BulkReplayDto {
  @ApiPropertyOptional({ type: DlqFilterDto, description: 'Which entries (all when absent)' })
  @IsOptionalNonNull()
  // ValidateNested alone takes an array (of filters) too, and an array left nothing to filter on.
  @IsObject()
  @ValidateNested()
  @Type(() => DlqFilterDto)
  filter?: DlqFilterDto;

  @ApiPropertyOptional({
    minimum: 0.1,
    maximum: 1000,
    default: 10,
    description: 'Replays started per second at most',
  })
  @IsOptionalNonNull()
  @IsNumber()
  @Min(0.1)
  @Max(1000)
  rate?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 32, default: 4, description: 'Replays at once' })
  @IsOptionalNonNull()
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
  @IsOptionalNonNull()
  @IsInt()
  @Min(1)
  @Max(100000)
  limit?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Also replay entries marked deliveryUnknown',
  })
  @IsOptionalNonNull()
  @IsBoolean()
  force?: boolean;
}
