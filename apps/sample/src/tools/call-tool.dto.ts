import { DLQ_PRIORITIES, type DlqPriority } from '@app/fastmcp';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject } from 'class-validator';
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

  @ApiPropertyOptional({
    description:
      'Runs the tool as a task (MCP 2025-11-25) when its server and listing allow it; a tool that requires one runs as one anyway',
  })
  @IsOptionalNonNull()
  @IsBoolean()
  task?: boolean;
}
