import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { FASTMCP_CLOCK } from '../retry/clock.js';
import { DEAD_LETTER_QUEUE, type DeadLetterQueue } from './dead-letter-queue.interface.js';
import type { DlqClock } from './dlq-runtime.js';
import { InMemoryDlqService } from './in-memory-dlq.service.js';
import { RedisDlqService } from './redis-dlq.service.js';

const STORE_DEPS = [
  FASTMCP_RESOLVED_OPTIONS,
  FastMcpEvents,
  ModuleRef,
  { token: FASTMCP_CLOCK, optional: true },
];

type StoreArgs = [ResolvedFastMcpOptions, FastMcpEvents, ModuleRef, DlqClock | undefined];

function activeStore(options: ResolvedFastMcpOptions): 'redis' | 'memory' | null {
  return options.dlq === false ? null : options.dlq.store;
}

/**
 * The DLQ store the options choose, under its own class and under `DEAD_LETTER_QUEUE`. Only the
 * chosen store is created; the other class, and the token with `dlq: false`, resolve to null.
 */
export const dlqProviders: Provider[] = [
  {
    provide: RedisDlqService,
    useFactory: (...args: StoreArgs) =>
      activeStore(args[0]) === 'redis' ? new RedisDlqService(...args) : null,
    inject: STORE_DEPS,
  },
  {
    provide: InMemoryDlqService,
    useFactory: (...args: StoreArgs) =>
      activeStore(args[0]) === 'memory' ? new InMemoryDlqService(...args) : null,
    inject: STORE_DEPS,
  },
  {
    provide: DEAD_LETTER_QUEUE,
    useFactory: (
      options: ResolvedFastMcpOptions,
      redis: RedisDlqService | null,
      memory: InMemoryDlqService | null,
    ): DeadLetterQueue | null => {
      const store = activeStore(options);
      return store === 'redis' ? redis : store === 'memory' ? memory : null;
    },
    inject: [FASTMCP_RESOLVED_OPTIONS, RedisDlqService, InMemoryDlqService],
  },
];

export const dlqExports: Array<string | symbol | Provider> = [
  DEAD_LETTER_QUEUE,
  RedisDlqService,
  InMemoryDlqService,
];
