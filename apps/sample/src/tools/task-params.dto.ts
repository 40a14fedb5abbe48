import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ClientParamsDto } from './client-params.dto.js';

export class TaskParamsDto extends ClientParamsDto {
  @ApiProperty({
    example: '786512e2-9e0d-44bd-8f29-789f320fe840',
    description: 'A task id the server gave (a 502 body names the task a call left running)',
  })
  @Matches(/^[\x21-\x7e]{1,256}$/, {
    message: 'taskId must be 1-256 printable ASCII characters without spaces',
  })
  taskId!: string;
}
