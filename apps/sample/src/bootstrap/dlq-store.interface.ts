import type { Redis } from 'ioredis';

/**
 * Where the DLQ lives for this run, decided once at start. With Redis, `redis` is the app's one
 * connection: the DLQ store and /health use it, and the sample closes it after the app.
 */
export type DlqStore = { store: 'redis'; url: string; redis: Redis } | { store: 'memory' };
