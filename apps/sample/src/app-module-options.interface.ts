import type { Registry } from 'prom-client';

export interface AppModuleOptions {
  /** Registry of /metrics and of FastMcpModule's metrics. Default prom-client's global `register`. */
  registry?: Registry;
}
