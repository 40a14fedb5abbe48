import { Injectable } from '@nestjs/common';
import type { FastMcpEventMap, FastMcpEventName } from './fastmcp-events.interface.js';
import { InertLogger } from '../logging/inert-logger.js';

type Listener<K extends FastMcpEventName> = (event: FastMcpEventMap[K]) => void;

/**
 * The module's event stream: the retry loop and the DLQ raise events, metrics and logs listen.
 * One instance per module instance, so two apps in one process never share listeners.
 * A listener that throws is logged and never breaks the operation that raised the event.
 */
@Injectable()
export class FastMcpEvents {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private readonly listeners = new Map<FastMcpEventName, Set<Listener<never>>>();

  on<K extends FastMcpEventName>(name: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(name) ?? new Set();
    const stored = listener as Listener<never>;
    set.add(stored);
    this.listeners.set(name, set);
    return () => set.delete(stored);
  }

  emit<K extends FastMcpEventName>(name: K, event: FastMcpEventMap[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<K>)(event);
      } catch (error) {
        this.logger.error(`listener of ${name} failed: ${String(error)}`);
      }
    }
  }
}
