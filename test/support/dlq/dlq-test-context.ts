import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import type { DlqClock } from '../../../libs/fastmcp/src/dlq/core/dlq-runtime.js';
import { Test, type TestingModule } from '@nestjs/testing';
import { dlqProviders } from '../../../libs/fastmcp/src/dlq/dlq.providers.js';
import { DeadLetterQueueService } from '../../../libs/fastmcp/src/dlq/core/dead-letter-queue.service.js';
import { DlqReplayService } from '../../../libs/fastmcp/src/dlq/replay/dlq-replay.service.js';
import { DlqBulkReplayService } from '../../../libs/fastmcp/src/dlq/replay/dlq-bulk-replay.service.js';
import { DlqRedriver } from '../../../libs/fastmcp/src/dlq/replay/dlq-redriver.service.js';
import type {
  FailedOperation,
  FailedOperationInput,
} from '../../../libs/fastmcp/src/dlq/core/failed-operation.interface.js';
import {
  OPERATION_REPLAYER,
  type OperationReplayer,
  type ReplayOutcome,
} from '../../../libs/fastmcp/src/dlq/replay/operation-replayer.interface.js';
import type { FastMcpEventMap } from '../../../libs/fastmcp/src/events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../../../libs/fastmcp/src/events/fastmcp-events.service.js';
import type { DlqOptions } from '../../../libs/fastmcp/src/options/dlq-options.interface.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../../../libs/fastmcp/src/options/fastmcp-options.constants.js';
import { resolveOptions } from '../../../libs/fastmcp/src/options/resolve-options.js';
import { FASTMCP_CLOCK } from '../../../libs/fastmcp/src/retry/clock.js';

/** A clock that moves only when told; the stores read `now()` from it. */
export class TestClock {
  constructor(public time = Date.now()) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

/** The replayer boundary: records what it was asked to replay and answers with `next`. */
export class FakeReplayer implements OperationReplayer {
  readonly calls: FailedOperation[] = [];
  /** The signal of each call (aborted when its replay lost the lease). */
  readonly signals: Array<AbortSignal | undefined> = [];
  next: (entry: FailedOperation, signal?: AbortSignal) => Promise<ReplayOutcome> = () =>
    Promise.resolve({ ok: true, result: { content: [{ type: 'text', text: 'ok' }] } });

  replay(entry: FailedOperation, signal?: AbortSignal): Promise<ReplayOutcome> {
    this.calls.push(entry);
    this.signals.push(signal);
    return this.next(entry, signal);
  }
}

export type RecordedEvent = {
  [K in keyof FastMcpEventMap]: [K, FastMcpEventMap[K]];
}[keyof FastMcpEventMap];

/** One app instance's DLQ, booted in a TestingModule through the real `dlqProviders`. */
export interface DlqInstance {
  module: TestingModule;
  dlq: DeadLetterQueueService;
  replays: DlqReplayService;
  jobs: DlqBulkReplayService;
  redriver: DlqRedriver;
  events: RecordedEvent[];
}

export async function bootDlq(
  dlq: DlqOptions | false,
  clock: DlqClock,
  replayer: OperationReplayer,
  imports: ModuleMetadata['imports'] = [],
  { recordEvents = true }: { recordEvents?: boolean } = {},
): Promise<DlqInstance> {
  const module = await Test.createTestingModule({
    imports,
    providers: [
      // No spill file unless a spec names one: the working directory stays clean.
      {
        provide: FASTMCP_RESOLVED_OPTIONS,
        useValue: resolveOptions({ dlq: dlq && { spillFile: false, ...dlq } }),
      },
      FastMcpEvents,
      { provide: FASTMCP_CLOCK, useValue: clock },
      { provide: OPERATION_REPLAYER, useValue: replayer },
      ...dlqProviders,
    ],
  }).compile();
  module.useLogger(silentLogger);
  await module.init();
  const events: RecordedEvent[] = [];
  const bus = module.get(FastMcpEvents);
  for (const name of [
    'dlq.stored',
    'dlq.store_failed',
    'dlq.flushed',
    'dlq.evicted',
    'dlq.replayed',
    'dlq.deduplicated',
    'dlq.redriven',
  ] as const) {
    // A benchmark stores a million entries: it keeps none of their events.
    if (recordEvents) bus.on(name, (event) => events.push([name, event] as RecordedEvent));
  }
  return {
    module,
    dlq: module.get(DeadLetterQueueService),
    replays: module.get(DlqReplayService),
    jobs: module.get(DlqBulkReplayService),
    redriver: module.get(DlqRedriver),
    events,
  };
}

/** Keeps test output quiet; specs that check log lines spy on Logger.prototype. */
const silentLogger: LoggerService = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

let sequence = 0;

/** A realistic failed call_tool, with secrets in its headers. */
export function failedInput(overrides: Partial<FailedOperationInput> = {}): FailedOperationInput {
  sequence++;
  return {
    operation: 'call_tool',
    clientId: 'github',
    serverUrl: 'http://127.0.0.1:8000/mcp',
    toolName: 'search',
    arguments: { query: `q${sequence}` },
    request: {
      method: 'tools/call',
      params: { name: 'search', arguments: { query: `q${sequence}` } },
      headers: { Authorization: 'Bearer s3cret', 'Content-Type': 'application/json' },
    },
    error: 'max retries exceeded',
    errorClass: 'http_503',
    attempts: [
      {
        at: new Date().toISOString(),
        durationMs: 12,
        status: 503,
        errorClass: 'http_503',
        message: 'HTTP 503',
      },
    ],
    retryCount: 3,
    firstAttemptAt: new Date().toISOString(),
    failedAt: new Date().toISOString(),
    ...overrides,
  };
}

export function eventsNamed<K extends keyof FastMcpEventMap>(
  events: readonly RecordedEvent[],
  name: K,
): Array<FastMcpEventMap[K]> {
  return events.filter((e) => e[0] === name).map((e) => e[1] as FastMcpEventMap[K]);
}
