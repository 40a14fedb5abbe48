import { Pool } from 'undici';

/** Connections per server, as the keep-alive agents allowed (`maxSockets`). */
const CONNECTIONS = 256;

/** One keep-alive undici `Pool` per origin the module calls, closed with the transport. */
export class OriginPools {
  private readonly pools = new Map<string, Pool>();

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: CONNECTIONS });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}
