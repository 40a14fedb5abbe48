import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSampleRuntime, stopSampleRuntime } from './bootstrap/sample-runtime.js';
import { parseSampleEnv } from './config/parse-sample-env.js';
import { createNestApp, type NestAppOptions } from './nest-app.factory.js';

export interface CreateAppOptions extends NestAppOptions {
  /** Environment variables to read. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The running sample: its Nest app, and the one way to stop all of it in order. */
export interface SampleApp {
  /** The Nest application (listen, get, getHttpServer). Stop it with `close()`, not `app.close()`. */
  readonly app: NestExpressApplication;
  /** Stops the app, then the demo server, then the Redis connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * The sample's start-up and shutdown order, all of it, here.
 *
 * Start: (1) read and check the environment, naming every bad variable; (2) choose the DLQ store,
 * opening the app's one Redis connection; (3) start the demo MCP server when no server is
 * configured; (4) build the Nest app over them. A failed step stops what the earlier ones started.
 *
 * Stop: (1) the Nest app closes: FastMCP refuses new calls, spills the DLQ buffer, gives running
 * calls FASTMCP_SHUTDOWN_GRACE_MS, ends the MCP sessions (HTTP DELETE) and the HTTP server
 * closes; (2) the demo server closes, once the sessions it served are ended; (3) the Redis
 * connection closes, after the DLQ's last write. The caller listens.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<SampleApp> {
  // Nest would set this logger in NestFactory.create; steps 2 and 3 log before it.
  if (options.logger !== undefined) Logger.overrideLogger(options.logger);
  const config = parseSampleEnv(options.env ?? process.env);
  const runtime = await startSampleRuntime(config, new Logger('Sample'));
  let app: NestExpressApplication;
  try {
    app = await createNestApp(config, runtime, options);
  } catch (error) {
    await stopSampleRuntime(runtime);
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await app.close();
      } finally {
        await stopSampleRuntime(runtime);
      }
    })());
  return { app, close };
}
