import { FastMcpEvents } from '@app/fastmcp';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';

/** Updates kept per client id, for a stream that reconnects to catch up on. */
export const UPDATES_KEPT = 100;
/** Longer than any id this log gives: a `Last-Event-ID` this long is not one. */
const EVENT_ID_MAX_LENGTH = 64;

/** One `server.resource_updated`, numbered in the order the app heard it. */
export interface LoggedUpdate {
  seq: number;
  uri: string;
}

type UpdateListener = (clientId: string, update: LoggedUpdate) => void;

/**
 * The last resource updates of each client id, so that an event stream cut for a moment (a
 * browser's EventSource reconnects with `Last-Event-ID`) gets what it missed. Event ids are
 * `<process>-<seq>`: an id from before a restart, or older than what is kept, cannot be caught
 * up on, which `since` says rather than skipping updates silently.
 */
@Injectable()
export class ResourceUpdateLog implements OnModuleDestroy {
  /** Names this process's ids. */
  private readonly epoch = Date.now().toString(36);
  private seq = 0;
  private readonly kept = new Map<string, LoggedUpdate[]>();
  /** Per client id, the seq of the latest update no longer kept. */
  private readonly forgottenUpTo = new Map<string, number>();
  private readonly listeners = new Set<UpdateListener>();
  private readonly stop: () => void;

  constructor(@Inject(FastMcpEvents) events: FastMcpEvents) {
    this.stop = events.on('server.resource_updated', (event) => {
      this.append(event.clientId, event.uri);
    });
  }

  /** The event id of `seq`; of the latest update heard, by default. */
  idOf(seq = this.seq): string {
    return `${this.epoch}-${seq}`;
  }

  /**
   * The updates of `clientId` after the one `lastEventId` names, oldest first; undefined when
   * that cannot be told: not an id of this process, or some updates since are no longer kept.
   */
  since(clientId: string, lastEventId: string): LoggedUpdate[] | undefined {
    const seq = this.seqOf(lastEventId);
    if (seq === undefined || seq < (this.forgottenUpTo.get(clientId) ?? 0)) return undefined;
    return (this.kept.get(clientId) ?? []).filter((update) => update.seq > seq);
  }

  /** Calls `listener` with each update from now on; returns the way to stop. */
  follow(listener: UpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onModuleDestroy(): void {
    this.stop();
    this.listeners.clear();
  }

  private append(clientId: string, uri: string): void {
    const update = { seq: ++this.seq, uri };
    const updates = this.kept.get(clientId) ?? [];
    updates.push(update);
    if (updates.length > UPDATES_KEPT) this.forgottenUpTo.set(clientId, updates.shift()!.seq);
    this.kept.set(clientId, updates);
    for (const listener of this.listeners) listener(clientId, update);
  }

  private seqOf(eventId: string): number | undefined {
    if (eventId.length > EVENT_ID_MAX_LENGTH) return undefined;
    const prefix = `${this.epoch}-`;
    if (!eventId.startsWith(prefix)) return undefined;
    const digits = eventId.slice(prefix.length);
    if (!/^\d{1,15}$/.test(digits)) return undefined;
    const seq = Number(digits);
    return seq <= this.seq ? seq : undefined;
  }
}
