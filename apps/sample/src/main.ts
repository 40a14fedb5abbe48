import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './create-app.js';
import { SAMPLE_CONFIG } from './config/sample-config.constants.js';
import type { SampleConfig } from './config/sample-config.interface.js';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  app.enableShutdownHooks();
  const { port, host } = app.get<SampleConfig>(SAMPLE_CONFIG);
  await app.listen(port, host);
  new Logger('Sample').log(
    `Listening on ${await app.getUrl()} (OpenAPI at /docs, DLQ console at /admin)`,
  );
}

bootstrap().catch((error: unknown) => {
  new Logger('Sample').error(
    `Start failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
