import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createApp } from '../../../apps/sample/src/create-app.js';
import { CapturingLogger } from '../../support/capturing-logger.js';

export const TEST_API_KEY = 'test-admin-key-0123456789';

/** Short real retries, so a failing call ends in the DLQ within a second. */
export const FAST_RETRY_ENV = {
  FASTMCP_RETRY_MAX_RETRIES: '2',
  FASTMCP_RETRY_INITIAL_DELAY_MS: '5',
  FASTMCP_RETRY_MAX_DELAY_MS: '20',
  FASTMCP_REQUEST_TIMEOUT_MS: '2000',
} as const;

export interface SampleTestApp {
  app: NestExpressApplication;
  /** supertest against the app listening on 127.0.0.1, port 0. */
  http: ReturnType<typeof request>;
  /** The app's own metrics registry. */
  registry: Registry;
  logger: CapturingLogger;
  /** `{ 'x-api-key': TEST_API_KEY }` */
  auth: Record<string, string>;
  close(): Promise<void>;
}

/** Boots the sample app on port 0 with `env` only (never process.env) and its own registry. */
export async function startSampleApp(env: Record<string, string>): Promise<SampleTestApp> {
  const registry = new Registry();
  const logger = new CapturingLogger();
  // Each app its own spill file: the working directory stays clean and no app imports another's.
  const spillDir = mkdtempSync(join(tmpdir(), 'sample-spill-'));
  const sample = await createApp({
    env: {
      ADMIN_API_KEY: TEST_API_KEY,
      FASTMCP_DLQ_SPILL_FILE: join(spillDir, 'spill.jsonl'),
      ...FAST_RETRY_ENV,
      ...env,
    },
    registry,
    logger,
  });
  const { app } = sample;
  await app.listen(0, '127.0.0.1');
  return {
    app,
    http: request(app.getHttpServer()),
    registry,
    logger,
    auth: { 'x-api-key': TEST_API_KEY },
    close: async () => {
      await sample.close();
      rmSync(spillDir, { recursive: true, force: true });
    },
  };
}

/** `FASTMCP_SERVERS` for one client id. */
export function serversEnv(clientId: string, url: string): string {
  return JSON.stringify({ [clientId]: { url } });
}

/** A supertest response body, typed by the caller. */
export function bodyOf<T = Record<string, unknown>>(response: { body: unknown }): T {
  return response.body as T;
}
