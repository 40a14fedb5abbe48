import type { Gauge } from 'prom-client';
import { OTHER_CLIENT_ID_LABEL } from './fastmcp-metrics.constants.js';

type Combine = (values: readonly number[]) => number;

/**
 * A per-server gauge (`bulkhead_queue`, `circuit_state`) fed by every module that shares it (two
 * FastMcpModule instances on one registry) and, under `other`, by every server folded into it.
 * Each series shows all its reporters combined (the sum of queues, the worst circuit), not the
 * last one to report. A module holds a value per server it reports, until it forgets the server
 * or leaves (closes).
 */
export class SharedServerGauge {
  /** label -> module -> server -> value. */
  private readonly series = new Map<string, Map<object, Map<string, number>>>();

  constructor(
    private readonly gauge: Gauge<string>,
    private readonly combine: Combine,
  ) {}

  report(module: object, label: string, server: string, value: number): void {
    let modules = this.series.get(label);
    if (!modules) this.series.set(label, (modules = new Map<object, Map<string, number>>()));
    let servers = modules.get(module);
    if (!servers) modules.set(module, (servers = new Map<string, number>()));
    servers.set(server, value);
    this.update(label);
  }

  /** `server` of `module` is gone: its part of its series (its own, or `other`) goes with it. */
  forget(module: object, server: string): void {
    for (const [label, modules] of [...this.series]) {
      const servers = modules.get(module);
      if (!servers?.delete(server)) continue;
      if (servers.size === 0) modules.delete(module);
      this.update(label);
    }
  }

  /** `module` has closed: none of its values stays in any series. */
  leave(module: object): void {
    for (const [label, modules] of [...this.series]) {
      if (modules.delete(module)) this.update(label);
    }
  }

  /** Sets the series to its combined value, or removes it once nobody reports it (not `other`). */
  private update(label: string): void {
    const values = [...(this.series.get(label)?.values() ?? [])].flatMap((s) => [...s.values()]);
    if (values.length > 0) return this.gauge.set({ server: label }, this.combine(values));
    this.series.delete(label);
    if (label === OTHER_CLIENT_ID_LABEL) this.gauge.set({ server: label }, 0);
    else this.gauge.remove({ server: label });
  }
}

const shared = new WeakMap<Gauge<string>, SharedServerGauge>();

/** The one SharedServerGauge of `gauge`, whichever module asks first. */
export function sharedServerGauge(gauge: Gauge<string>, combine: Combine): SharedServerGauge {
  let found = shared.get(gauge);
  if (!found) shared.set(gauge, (found = new SharedServerGauge(gauge, combine)));
  return found;
}

export const sumOf = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
export const worstOf = (values: readonly number[]): number => Math.max(...values);
