import { CLIENT_ID_PATTERN } from '@app/fastmcp';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ClientParamsDto {
  @ApiProperty({ example: 'demo', description: 'A configured client id' })
  @Matches(CLIENT_ID_PATTERN, {
    message: 'clientId must be 1-128 letters, digits, . _ : - starting with a letter or digit',
  })
  clientId!: string;
}
