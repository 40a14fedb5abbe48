import type { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ResolvedResilienceOptions } from '../options/resilience-options.interface.js';
import type { Clock } from '../retry/clock.js';

export interface PolicyContext {
  /** The client id whose server this pipeline guards. */
  server: string;
  options: ResolvedResilienceOptions;
  clock: Clock;
  events: FastMcpEvents;
}
