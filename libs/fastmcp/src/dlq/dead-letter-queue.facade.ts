import type { OperationName } from '../events/operation-name.js';
import type {
  DeadLetterQueue,
  DlqStats,
  Page,
  PageRequest,
  ReplayOptions,
  ReplayResult,
} from './core/dead-letter-queue.interface.js';
import type { DeadLetterQueueService } from './core/dead-letter-queue.service.js';
import type { FailedOperation, FailedOperationInput } from './core/failed-operation.interface.js';
import type { DlqReplayService } from './replay/dlq-replay.service.js';

/**
 * What `DEAD_LETTER_QUEUE` resolves to (kept for apps written against it): the queue's
 * methods and `replay`, delegated to `DeadLetterQueueService` and `DlqReplayService`.
 */
export class DeadLetterQueueFacade implements DeadLetterQueue {
  constructor(
    private readonly queue: DeadLetterQueueService,
    private readonly replays: DlqReplayService,
  ) {}

  store(input: FailedOperationInput): Promise<FailedOperation> {
    return this.queue.store(input);
  }
  get(id: string): Promise<FailedOperation | null> {
    return this.queue.get(id);
  }
  delete(id: string): Promise<boolean> {
    return this.queue.delete(id);
  }
  list(page?: PageRequest): Promise<Page<FailedOperation>> {
    return this.queue.list(page);
  }
  getByOperation(operation: OperationName, page?: PageRequest): Promise<Page<FailedOperation>> {
    return this.queue.getByOperation(operation, page);
  }
  getByClientId(clientId: string, page?: PageRequest): Promise<Page<FailedOperation>> {
    return this.queue.getByClientId(clientId, page);
  }
  getByErrorClass(errorClass: string, page?: PageRequest): Promise<Page<FailedOperation>> {
    return this.queue.getByErrorClass(errorClass, page);
  }
  cleanup(olderThanMs: number): Promise<number> {
    return this.queue.cleanup(olderThanMs);
  }
  getStats(): Promise<DlqStats> {
    return this.queue.getStats();
  }
  replay(id: string, options?: ReplayOptions): Promise<ReplayResult> {
    return this.replays.replay(id, options);
  }
  /** The queue service behind this facade. */
  get service(): DeadLetterQueueService {
    return this.queue;
  }
}
