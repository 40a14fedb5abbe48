import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ClientParamsDto } from './client-params.dto.js';

export class ToolParamsDto extends ClientParamsDto {
  @ApiProperty({ example: 'echo' })
  @Matches(/^[A-Za-z0-9_./-]{1,128}$/, {
    message: 'toolName must be 1-128 letters, digits, _ - . /',
  })
  toolName!: string;
}
