import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { CircuitState } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { resolveResilience } from '../options/resilience-defaults.js';
import { type Clock, FASTMCP_CLOCK } from '../retry/clock.js';
import { POLICY_FACTORIES } from './policy-registry.js';
import { ServerPipeline } from './server-pipeline.js';

/** One attempt pipeline per server (client id), built on first use from the options. */
@Injectable()
export class ServerPipelines implements OnModuleDestroy {
  private readonly pipelines = new Map<string, ServerPipeline>();
  private readonly circuits = new Map<string, CircuitState>();
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(FASTMCP_CLOCK) private readonly clock: Clock,
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
  ) {
    this.unsubscribe = events.on('circuit.transition', (e) => this.circuits.set(e.server, e.to));
  }

  forServer(server: string): ServerPipeline {
    let pipeline = this.pipelines.get(server);
    if (!pipeline) {
      const options = resolveResilience(
        this.options.resilience,
        this.options.servers[server]?.resilience,
      );
      const context = { server, options, clock: this.clock, events: this.events };
      const policies = POLICY_FACTORIES.map((factory) => factory(context)).filter(
        (policy) => policy !== undefined,
      );
      pipeline = new ServerPipeline(policies);
      this.pipelines.set(server, pipeline);
    }
    return pipeline;
  }

  /** The circuit state of every server whose breaker has changed state (others are closed). */
  circuitStates(): Readonly<Record<string, CircuitState>> {
    return Object.fromEntries(this.circuits);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
