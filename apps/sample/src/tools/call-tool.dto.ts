import { DLQ_PRIORITIES, type DlqPriority } from '@app/fastmcp';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject } from 'class-validator';
import { IsOptionalNonNull } from '../validation/is-optional-non-null.js';

export class CallToolDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { text: 'hello' },
    description: "The tool's arguments",
  })
  @IsOptionalNonNull()
  @IsObject()
  arguments?: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: DLQ_PRIORITIES,
    description:
      "The DLQ priority if the call is dead-lettered. Default: the tool's configured priority, else normal",
  })
  @IsOptionalNonNull()
  @IsIn(DLQ_PRIORITIES)
  priority?: DlqPriority;
}
