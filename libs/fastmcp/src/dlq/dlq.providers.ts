import type { Provider } from '@nestjs/common';
import { DEAD_LETTER_QUEUE } from './dead-letter-queue.interface.js';

/** Providers of the dead-letter queue. Placeholder until the DLQ stores land. */
export const dlqProviders: Provider[] = [{ provide: DEAD_LETTER_QUEUE, useValue: null }];

export const dlqExports: Array<string | symbol | Provider> = [DEAD_LETTER_QUEUE];
