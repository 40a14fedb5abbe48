import { type McpServerConfig, UnknownClientError } from '@app/fastmcp';
import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { MCP_SERVERS } from '../bootstrap/bootstrap.constants.js';

/**
 * Passes route params whose `clientId` is configured; any other is UnknownClientError (404), so
 * no request reaches a server that is not configured. Used on a params DTO: the global
 * ValidationPipe runs first, so a malformed client id is still a 400.
 */
@Injectable()
export class ConfiguredClientPipe implements PipeTransform<{ clientId: string }> {
  constructor(
    @Inject(MCP_SERVERS) private readonly servers: Readonly<Record<string, McpServerConfig>>,
  ) {}

  transform<T extends { clientId: string }>(params: T): T {
    if (!Object.hasOwn(this.servers, params.clientId)) {
      throw new UnknownClientError(params.clientId);
    }
    return params;
  }
}
