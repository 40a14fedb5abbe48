import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { DeadLetterQueueService } from './core/dead-letter-queue.service.js';
import { DlqCorruptEntries } from './core/dlq-corrupt-entries.js';
import { DlqNotifier } from './core/dlq-notifier.js';
import type { DlqStorage } from './core/dlq-storage.interface.js';
import { DLQ_STORAGE } from './core/dlq-storage.token.js';
import { MemoryDlqStorage } from './memory/memory-dlq.storage.js';
import { RedisDlqStorage } from './redis/redis-dlq.storage.js';
import { DlqBulkReplayService } from './replay/dlq-bulk-replay.service.js';
import { DlqRedriver } from './replay/dlq-redriver.service.js';
import { DlqReplayService } from './replay/dlq-replay.service.js';

/** The storage the options choose (`dlq.store`); null with `dlq: false`. */
function createStorage(
  options: ResolvedFastMcpOptions,
  events: FastMcpEvents,
  moduleRef: ModuleRef,
): DlqStorage | null {
  const dlq = options.dlq;
  if (dlq === false) return null;
  if (dlq.store === 'memory') return new MemoryDlqStorage();
  const { logger } = new DlqNotifier(events);
  return new RedisDlqStorage(
    dlq.redis,
    dlq.keyPrefix,
    moduleRef,
    new DlqCorruptEntries(events),
    logger,
  );
}

/**
 * The DLQ: `DeadLetterQueueService` (the one token to inject; it always resolves, disabled with
 * `dlq: false`), `DlqReplayService`, and the storage under `DLQ_STORAGE`.
 */
export const dlqProviders: Provider[] = [
  {
    provide: DLQ_STORAGE,
    useFactory: createStorage,
    inject: [FASTMCP_RESOLVED_OPTIONS, FastMcpEvents, ModuleRef],
  },
  DeadLetterQueueService,
  DlqReplayService,
  DlqBulkReplayService,
  DlqRedriver,
];

export const dlqExports: Array<string | symbol | Provider> = [
  DeadLetterQueueService,
  DlqReplayService,
  DlqBulkReplayService,
  DlqRedriver,
];
