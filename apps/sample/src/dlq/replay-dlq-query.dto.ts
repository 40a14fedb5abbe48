import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ReplayDlqQueryDto {
  @ApiPropertyOptional({
    description:
      'Replay an entry marked deliveryUnknown (its tool may already have run, and may run twice)',
    enum: ['true', 'false'],
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  force?: 'true' | 'false';
}
