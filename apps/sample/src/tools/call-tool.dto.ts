import { DLQ_PRIORITIES, type DlqPriority } from '@app/fastmcp';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';

export class CallToolDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { text: 'hello' },
    description: "The tool's arguments",
  })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: DLQ_PRIORITIES,
    description:
      "The DLQ priority if the call is dead-lettered. Default: the tool's configured priority, else normal",
  })
  @IsOptional()
  @IsIn(DLQ_PRIORITIES)
  priority?: DlqPriority;
}
