import type { LoggerService, Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  EnhancedFastMcpService,
  FastMcpEvents,
  FastMcpModule,
  type FastMcpModuleOptions,
  type RetryScheduledEvent,
} from '@app/fastmcp';

/** Fast retries for tests: real waits, but short ones. */
export const FAST_RETRY = {
  initialDelayMs: 5,
  maxDelayMs: 50,
  requestTimeoutMs: 2000,
  totalTimeoutMs: 20_000,
} as const;

export interface ClientTestApp {
  moduleRef: TestingModule;
  client: EnhancedFastMcpService;
  events: FastMcpEvents;
  retries: RetryScheduledEvent[];
  close(): Promise<void>;
}

/**
 * Boots FastMcpModule (no metrics by default) and returns its client; close it after the test.
 * `extraProviders` go into the module (e.g. a metrics registry of the spec's own).
 */
export async function startClientApp(
  options: FastMcpModuleOptions,
  logger?: LoggerService,
  extraProviders: Provider[] = [],
): Promise<ClientTestApp> {
  const builder = Test.createTestingModule({
    imports: [
      FastMcpModule.forRootAsync({
        extraProviders,
        useFactory: () => ({
          metrics: false,
          ...options,
          // No spill file unless a spec names one: the working directory stays clean.
          dlq: options.dlq === false ? false : { spillFile: false, ...options.dlq },
          retry: { ...FAST_RETRY, ...options.retry },
        }),
      }),
    ],
  });
  if (logger) builder.setLogger(logger);
  const moduleRef = await builder.compile();
  await moduleRef.init();
  const events = moduleRef.get(FastMcpEvents);
  const retries: RetryScheduledEvent[] = [];
  events.on('retry.scheduled', (event) => retries.push(event));
  return {
    moduleRef,
    client: moduleRef.get(EnhancedFastMcpService),
    events,
    retries,
    close: () => moduleRef.close(),
  };
}
