import { Test, type TestingModule } from '@nestjs/testing';
import { Registry } from 'prom-client';
import {
  type CircuitTransitionEvent,
  DeadLetterQueueService,
  EnhancedFastMcpService,
  FASTMCP_METRICS_REGISTRY,
  FastMcpEvents,
  FastMcpModule,
  type FastMcpModuleOptions,
  type RateLimitWaitedEvent,
  type RetryBudgetExhaustedEvent,
  type RetryScheduledEvent,
  ServerPipelines,
} from '@app/fastmcp';
import { CapturingLogger } from './capturing-logger.js';
import { FAST_RETRY } from './client-test-app.js';

/** FastMcpModule with metrics in its own Registry, the in-memory DLQ, and the pipeline's events. */
export interface PipelineTestApp {
  moduleRef: TestingModule;
  client: EnhancedFastMcpService;
  pipelines: ServerPipelines;
  dlq: DeadLetterQueueService;
  registry: Registry;
  transitions: CircuitTransitionEvent[];
  budgetExhausted: RetryBudgetExhaustedEvent[];
  rateLimitWaits: RateLimitWaitedEvent[];
  retries: RetryScheduledEvent[];
  /**
   * The sum of a metric's samples whose labels include `labels` (0 when there are none); a
   * histogram's `<name>_count` and `<name>_sum` work too.
   */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** Boots the module (retries as FAST_RETRY unless overridden); close it after the test. */
export async function startPipelineApp(options: FastMcpModuleOptions): Promise<PipelineTestApp> {
  const registry = new Registry();
  const moduleRef = await Test.createTestingModule({
    imports: [
      FastMcpModule.forRoot({
        metrics: {},
        ...options,
        dlq: options.dlq === false ? false : { spillFile: false, ...options.dlq },
        retry: { ...FAST_RETRY, ...options.retry },
        extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }],
      }),
    ],
  })
    .setLogger(new CapturingLogger())
    .compile();
  await moduleRef.init();
  const events = moduleRef.get(FastMcpEvents);
  const app: PipelineTestApp = {
    moduleRef,
    client: moduleRef.get(EnhancedFastMcpService),
    pipelines: moduleRef.get(ServerPipelines),
    dlq: moduleRef.get(DeadLetterQueueService),
    registry,
    transitions: [],
    budgetExhausted: [],
    rateLimitWaits: [],
    retries: [],
    metric: async (name, labels = {}) => {
      // A histogram's `_count` and `_sum` are samples of the metric named without the suffix.
      const base = registry.getSingleMetric(name) ? name : name.replace(/_(count|sum)$/, '');
      const values = (await registry.getSingleMetric(base)?.get())?.values ?? [];
      return values
        .filter((v) => ((v as { metricName?: string }).metricName ?? base) === name)
        .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
        .reduce((sum, v) => sum + v.value, 0);
    },
    close: () => moduleRef.close(),
  };
  events.on('circuit.transition', (e) => app.transitions.push(e));
  events.on('retry.budget_exhausted', (e) => app.budgetExhausted.push(e));
  events.on('ratelimit.waited', (e) => app.rateLimitWaits.push(e));
  events.on('retry.scheduled', (e) => app.retries.push(e));
  return app;
}
