import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { DLQ_TIMELINE_MAX_BUCKET_MS } from '@app/fastmcp';
import { DURATION_PATTERN, durationToMs } from './duration.js';
import { digitsToNumber } from '../validation/digits-to-number.js';
import { IsDuration } from './is-duration.validator.js';

/** `GET /dlq/timeline`: the width and count of the buckets, and the classes counted apart. */
export class DlqTimelineQueryDto {
  @ApiProperty({
    description: 'Width of a bucket (1s up to 30d; 5m, 1h, ... or ms)',
    example: '1h',
  })
  @IsDefined()
  @IsDuration()
  @ValidateBy({
    name: 'bucketRange',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !DURATION_PATTERN.test(value)) return true; // IsDuration's
        const ms = durationToMs(value);
        return ms >= 1000 && ms <= DLQ_TIMELINE_MAX_BUCKET_MS;
      },
      defaultMessage: () => '$property must be from 1s to 30d',
    },
  })
  bucket!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 24 })
  @IsOptional()
  @Transform(digitsToNumber)
  @IsInt()
  @Min(1)
  @Max(100)
  buckets?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 20,
    default: 7,
    description: 'Error classes with the most entries counted apart; the rest are one series',
  })
  @IsOptional()
  @Transform(digitsToNumber)
  @IsInt()
  @Min(0)
  @Max(20)
  classes?: number;
}
