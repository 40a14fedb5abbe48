import type { Registry } from 'prom-client';

export interface AppModuleOptions {
  /** Environment variables to read. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Registry of /metrics and of FastMcpModule's metrics. Default prom-client's global `register`. */
  registry?: Registry;
}
