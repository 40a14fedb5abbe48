import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import { IsDuration } from './is-duration.validator.js';

export class CleanupDlqDto {
  @ApiProperty({
    description:
      'Remove entries first dead-lettered longer ago than this (a replay that failed since does not make one younger): 7d, 12h, 30m, 45s, 500ms or ms',
    oneOf: [
      { type: 'string', example: '7d' },
      { type: 'integer', minimum: 0 },
    ],
  })
  @IsDefined()
  @IsDuration()
  olderThan!: string | number;
}
