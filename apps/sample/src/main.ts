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

/**
 * SIGTERM or SIGINT stops the sample in order (see createApp), then ends the process with it. A
 * repeated signal (Ctrl-C twice, a supervisor that forwards it again) does not cut the stop
 * short: the memory store's dead letters reach the spill file only at its end. SIGKILL still does.
 */
function stopOnSignals(sample: SampleApp): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    const logger = new Logger('Sample');
    if (stopping) {
      logger.warn(`${signal} again: already stopping (dead letters are kept first)`);
      return;
    }
    stopping = true;
    sample
      .close()
      .catch((error: unknown) => logger.error(`Shutdown failed: ${String(error)}`))
      .finally(() => {
        // Without a handler the signal ends the process as it normally would.
        process.removeAllListeners('SIGTERM').removeAllListeners('SIGINT');
        process.kill(process.pid, signal);
      });
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  new Logger('Sample').error(
    `Start failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
