import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ClientParamsDto {
  @ApiProperty({ example: 'demo', description: 'A configured client id' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, {
    message: 'clientId must be 1-128 letters, digits, . _ : - starting with a letter or digit',
  })
  clientId!: string;
}
