import { Pool } from 'undici';
import { FastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';

/** Connections per server, for the pools and the keep-alive agents (`maxSockets`) alike. */
export const CONNECTIONS_PER_ORIGIN = 256;

/** How often idle pools are looked for: a pool is closed after one to two of these unused. */
export const POOL_IDLE_MS = 60_000;

interface OriginPool {
  pool: Pool;
  /** Taken by `get()`, or found with requests, since the last sweep. */
  used: boolean;
}

/**
 * One keep-alive undici `Pool` per origin the module calls. A pool with no request for a whole
 * sweep interval is closed and forgotten, so servers called once do not keep one each; the next
 * `get()` of its origin makes a new one. Callers dispatch on the pool they get at once. The rest
 * are closed with the transport.
 */
export class OriginPools {
  private readonly pools = new Map<string, OriginPool>();
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly idleMs = POOL_IDLE_MS) {}

  /** The origin's pool; after `close()`, FastMcpShutdownError (nothing is sent). */
  get(origin: string): Pool {
    if (this.closed) {
      throw new FastMcpShutdownError('the HTTP transport is closed', { delivery: 'not_delivered' });
    }
    let entry = this.pools.get(origin);
    if (!entry) {
      entry = { pool: new Pool(origin, { connections: CONNECTIONS_PER_ORIGIN }), used: true };
      this.pools.set(origin, entry);
      this.sweeper ??= setInterval(() => this.sweep(), this.idleMs).unref();
    }
    entry.used = true;
    return entry.pool;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopSweeping();
    const pools = [...this.pools.values()].map((entry) => entry.pool);
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }

  private sweep(): void {
    for (const [origin, entry] of this.pools) {
      // `size` counts the requests queued and running, a response body still being read included.
      const busy = entry.pool.stats.size > 0;
      if (entry.used || busy) {
        entry.used = busy;
      } else {
        this.pools.delete(origin);
        void entry.pool.close();
      }
    }
    if (this.pools.size === 0) this.stopSweeping();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
