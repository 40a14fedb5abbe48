import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import { IsDuration } from './is-duration.validator.js';

export class CleanupDlqDto {
  @ApiProperty({
    description: 'Remove entries that failed longer ago than this: 7d, 12h, 30m, 45s, 500ms or ms',
    oneOf: [
      { type: 'string', example: '7d' },
      { type: 'integer', minimum: 0 },
    ],
  })
  @IsDefined()
  @IsDuration()
  olderThan!: string | number;
}
