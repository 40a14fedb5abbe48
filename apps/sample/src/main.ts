import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, type SampleApp } from './create-app.js';
import { SAMPLE_CONFIG } from './config/sample-config.constants.js';
import type { SampleConfig } from './config/sample-config.interface.js';

async function bootstrap(): Promise<void> {
  const sample = await createApp();
  stopOnSignals(sample);
  const { port, host } = sample.app.get<SampleConfig>(SAMPLE_CONFIG);
  await sample.app.listen(port, host);
  new Logger('Sample').log(
    `Listening on ${await sample.app.getUrl()} (OpenAPI at /docs, DLQ console at /admin)`,
  );
}

/** SIGTERM or SIGINT stops the sample in order (see createApp), then ends the process with it. */
function stopOnSignals(sample: SampleApp): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      sample
        .close()
        .catch((error: unknown) => new Logger('Sample').error(`Shutdown failed: ${String(error)}`))
        // The handler is gone (once): the signal now ends the process as it normally would.
        .finally(() => process.kill(process.pid, signal));
    });
  }
}

bootstrap().catch((error: unknown) => {
  new Logger('Sample').error(
    `Start failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
