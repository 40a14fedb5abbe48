import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ResourceUriDto {
  @ApiProperty({ example: 'docs://readme', description: "The resource's URI" })
  @IsString()
  @Length(1, 2048, { message: 'uri must be 1 to 2048 characters' })
  uri!: string;
}
