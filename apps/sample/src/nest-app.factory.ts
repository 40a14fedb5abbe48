import type { IncomingMessage } from 'node:http';
import { type NestApplicationOptions, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { setupAdminConsole } from './admin/admin-console.setup.js';
import { setupApiResponseHeaders } from './api-headers.setup.js';
import type { AppModuleOptions } from './app-module-options.interface.js';
import { AppModule } from './app.module.js';
import type { SampleRuntime } from './bootstrap/sample-runtime.js';
import type { SampleConfig } from './config/sample-config.interface.js';
import { setupMethodNotAllowed } from './method-not-allowed.setup.js';
import { setupSwagger } from './swagger.setup.js';
import { BodyShapePipe } from './validation/body-shape.pipe.js';
import { countJsonBodyBytes } from './validation/json-body-bytes.js';
import { recordJsonKeyProblems } from './validation/json-body-keys.js';

export interface NestAppOptions extends AppModuleOptions {
  /** Nest's logger option (e.g. false in tests). Default: Nest's console logger. */
  logger?: NestApplicationOptions['logger'];
}

/**
 * The Nest app: no-store headers, 405 for a method a path does not take, body limit, body depth
 * and keys, validation, OpenAPI, the DLQ console.
 */
export async function createNestApp(
  config: SampleConfig,
  runtime: SampleRuntime,
  options: NestAppOptions,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, runtime, options),
    {
      bodyParser: false,
      abortOnError: false,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    },
  );
  setupApiResponseHeaders(app);
  setupMethodNotAllowed(app);
  app.useBodyParser('json', {
    limit: config.bodyLimit,
    verify: (request: IncomingMessage, response: unknown, body: Buffer) => {
      countJsonBodyBytes(request, response, body);
      recordJsonKeyProblems(request, body);
    },
  });
  app.useGlobalPipes(
    new BodyShapePipe(config.maxBodyDepth),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  setupSwagger(app);
  setupAdminConsole(app);
  return app;
}
