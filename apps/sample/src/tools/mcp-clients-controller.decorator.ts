import { applyDecorators, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';

/** A controller of routes under /mcp/clients: the `mcp` tag, and the API key they need. */
export function McpClientsController(): ClassDecorator {
  return applyDecorators(
    ApiTags('mcp'),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiResponse({ status: 401, description: 'Missing or invalid API key' }),
    Controller('mcp/clients'),
  );
}
