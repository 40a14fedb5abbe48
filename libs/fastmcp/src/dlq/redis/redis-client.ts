import type { Cluster, Redis } from 'ioredis';

/** What the Redis store talks to: one node, or a Redis Cluster (every key in one slot). */
export type DlqRedisClient = Redis | Cluster;
