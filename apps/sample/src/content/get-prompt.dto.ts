import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { IsOptionalNonNull } from '../validation/is-optional-non-null.js';

export class GetPromptDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { code: 'let x = 1', language: 'typescript' },
    description: "The prompt's arguments, strings by name",
  })
  @IsOptionalNonNull()
  @IsObject()
  arguments?: Record<string, string>;
}
