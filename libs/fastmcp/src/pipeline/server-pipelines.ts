import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { CircuitState } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { resolveResilience } from '../options/resilience-defaults.js';
import { type Clock, FASTMCP_CLOCK } from '../retry/clock.js';
import type { AttemptPolicy } from './attempt-policy.interface.js';
import type { PolicyContext } from './policy-context.js';
import { POLICY_FACTORIES } from './policy-registry.js';
import { ServerPipeline } from './server-pipeline.js';

/** The attempt policies of each server (client id), built on first use from the options. */
@Injectable()
export class ServerPipelines implements OnApplicationShutdown {
  private readonly policies = new Map<string, readonly AttemptPolicy[]>();
  private readonly circuits = new Map<string, CircuitState>();
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(FASTMCP_CLOCK) private readonly clock: Clock,
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
  ) {
    this.unsubscribe = events.on('circuit.transition', (e) => this.circuits.set(e.server, e.to));
  }

  /**
   * A pipeline for one operation on `server`, over the server's shared policies: an operation
   * keeps its own, so each outcome it reports is matched with the attempt it admitted.
   */
  forServer(server: string): ServerPipeline {
    return new ServerPipeline(this.policiesOf(server));
  }

  /** The circuit state of every server whose breaker has changed state (others are closed). */
  circuitStates(): Readonly<Record<string, CircuitState>> {
    return Object.fromEntries(this.circuits);
  }

  /** True while the server's circuit is not closed (open, or trying one call half-open). */
  circuitUnclosed(server: string): boolean {
    const state = this.circuits.get(server);
    return state !== undefined && state !== 'closed';
  }

  /** How many servers have policies now. */
  get serverCount(): number {
    return this.policies.size;
  }

  /**
   * Stops and drops the server's policies and circuit state, and raises `server.forgotten`; its
   * next call starts afresh.
   */
  forget(server: string): void {
    for (const policy of this.policies.get(server) ?? []) policy.dispose?.();
    this.policies.delete(server);
    this.circuits.delete(server);
    this.events.emit('server.forgotten', { server });
  }

  /** After the calls still running have ended (their transitions still count): stops the timers. */
  onApplicationShutdown(): void {
    this.unsubscribe();
    for (const policies of this.policies.values()) {
      for (const policy of policies) policy.dispose?.();
    }
  }

  /** The server's policies if it has any now; creates none (for look-ups such as the redriver's). */
  existing(server: string): readonly AttemptPolicy[] {
    return this.policies.get(server) ?? [];
  }

  private policiesOf(server: string): readonly AttemptPolicy[] {
    const known = this.policies.get(server);
    if (known) return known;
    const options = resolveResilience(
      this.options.resilience,
      this.options.servers[server]?.resilience,
    );
    const policies: AttemptPolicy[] = [];
    // A run still holding these policies after `forget` (a call in flight) changes nothing the
    // module shows: no state put back for a server that is gone, no metric series taken again.
    const events: PolicyContext['events'] = {
      emit: (name, event) => {
        if (this.policies.get(server) === policies) this.events.emit(name, event);
      },
    };
    this.policies.set(server, policies);
    const context = { server, options, clock: this.clock, events };
    for (const factory of POLICY_FACTORIES) {
      const policy = factory(context);
      if (policy) policies.push(policy);
    }
    return policies;
  }
}
