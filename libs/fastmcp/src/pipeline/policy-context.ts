import type { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ResolvedResilienceOptions } from '../options/resilience-options.interface.js';
import type { Clock } from '../retry/clock.js';

export interface PolicyContext {
  /** The client id whose server this pipeline guards. */
  server: string;
  options: ResolvedResilienceOptions;
  clock: Clock;
  /** Silent once the server is forgotten: a call still out reports nothing of a gone server. */
  events: Pick<FastMcpEvents, 'emit'>;
}
