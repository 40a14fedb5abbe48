import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

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
}
