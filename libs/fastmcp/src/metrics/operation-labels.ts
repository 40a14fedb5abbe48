import type { OperationContext } from '../events/fastmcp-events.interface.js';
import type { ClientIdLabels } from './client-id-labels.js';

type Labels = Readonly<Record<string, string>>;

/** The label sets of one operation (and client id): made once, never per call. */
export interface OperationLabelSet {
  readonly base: Labels;
  readonly success: Labels;
  readonly error: Labels;
  /** Ended by the caller's own abort (`McpAbortedError`): not a failure of the server. */
  readonly aborted: Labels;
}

/**
 * The label objects of each operation and client id, cached: recording an operation then
 * allocates nothing. Bounded like the labels themselves (3 operations x the client ids kept).
 */
export class OperationLabels {
  private readonly cache = new Map<string, OperationLabelSet>();

  constructor(private readonly clientIds: ClientIdLabels | null) {}

  of(event: OperationContext): OperationLabelSet {
    const clientId = this.clientIds?.label(event.clientId);
    const key = clientId === undefined ? event.operation : `${event.operation}\n${clientId}`;
    let set = this.cache.get(key);
    if (!set) {
      const base: Record<string, string> = { operation: event.operation };
      if (clientId !== undefined) base.client_id = clientId;
      set = Object.freeze({
        base: Object.freeze(base),
        success: Object.freeze({ ...base, status: 'success' }),
        error: Object.freeze({ ...base, status: 'error' }),
        aborted: Object.freeze({ ...base, status: 'aborted' }),
      });
      this.cache.set(key, set);
    }
    return set;
  }
}
