import { applyDecorators, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';

/** A controller under `/dlq`: the API key schemes and the answers every DLQ route may give. */
export function DlqApiController(): ClassDecorator {
  return applyDecorators(
    ApiTags('dlq'),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiResponse({ status: 401, description: 'Missing or invalid API key' }),
    ApiResponse({ status: 503, description: 'The DLQ store is unreachable' }),
    Controller('dlq'),
  );
}
