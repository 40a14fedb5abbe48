import { OTHER_CLIENT_ID_LABEL } from './fastmcp-metrics.constants.js';

/**
 * A per-server gauge's value where servers past the label bound share the `other` series: that
 * series shows all of them combined (the sum of queues, the worst circuit), not the last one
 * to report. Only servers away from the resting value (0) are held, so the map stays small.
 */
export class FoldedServerGauge {
  private readonly folded = new Map<string, number>();

  constructor(private readonly combine: (values: readonly number[]) => number) {}

  /** The value to set on the `label` series now that `server` reports `value`. */
  valueFor(label: string, server: string, value: number): number {
    if (label !== OTHER_CLIENT_ID_LABEL) return value;
    if (value === 0) this.folded.delete(server);
    else this.folded.set(server, value);
    return this.combined();
  }

  /** The `other` series' value once `server` is gone; undefined when it held no part of it. */
  without(server: string): number | undefined {
    return this.folded.delete(server) ? this.combined() : undefined;
  }

  private combined(): number {
    return this.folded.size === 0 ? 0 : this.combine([...this.folded.values()]);
  }
}

export const sumOf = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
export const worstOf = (values: readonly number[]): number => Math.max(...values);
