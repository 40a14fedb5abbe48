import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the OpenAPI document at /docs (and its JSON at /docs-json). */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nestjs-fastmcp sample')
    .setDescription('DLQ administration, MCP tools of the configured servers, metrics and health')
    .setVersion('0.1.0')
    // The key is an opaque string, not a JWT (the default format Swagger would name).
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'opaque key',
      description: 'the ADMIN_API_KEY',
    })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'api-key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
}
