import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ClientParamsDto } from '../tools/client-params.dto.js';

export class PromptParamsDto extends ClientParamsDto {
  @ApiProperty({ example: 'review' })
  @Matches(/^[A-Za-z0-9_./-]{1,128}$/, {
    message: 'promptName must be 1-128 letters, digits, _ - . /',
  })
  promptName!: string;
}
