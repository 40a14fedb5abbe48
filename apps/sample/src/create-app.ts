import { type NestApplicationOptions, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { setupAdminConsole } from './admin/admin-console.setup.js';
import type { AppModuleOptions } from './app-module-options.interface.js';
import { AppModule } from './app.module.js';
import { SAMPLE_CONFIG } from './config/sample-config.constants.js';
import type { SampleConfig } from './config/sample-config.interface.js';
import { setupSwagger } from './swagger.setup.js';
import { BodyShapePipe } from './validation/body-shape.pipe.js';

export interface CreateAppOptions extends AppModuleOptions {
  /** Nest's logger option (e.g. false in tests). Default: Nest's console logger. */
  logger?: NestApplicationOptions['logger'];
}

/**
 * Builds the app: body limit, body depth and keys, validation, OpenAPI, the DLQ console. The caller listens and
 * enables shutdown hooks.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false,
    abortOnError: false,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const config = app.get<SampleConfig>(SAMPLE_CONFIG);
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useGlobalPipes(
    new BodyShapePipe(config.maxBodyDepth),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  setupSwagger(app);
  setupAdminConsole(app);
  return app;
}
