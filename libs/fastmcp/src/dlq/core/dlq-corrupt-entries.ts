import type { FastMcpEvents } from '../../events/fastmcp-events.service.js';
import { DLQ_LOGGER_CONTEXT } from './dlq.constants.js';
import { InertLogger } from '../../logging/inert-logger.js';

/** Keys remembered as reported; past this many, a key may be reported (and counted) again. */
const MAX_REMEMBERED_KEYS = 10_000;

/**
 * Reports an entry the store holds but cannot read (a value that is not JSON): logged at WARN and
 * raised as `dlq.corrupt_entry` once per key, however often reads meet it. Reads skip the entry.
 */
export class DlqCorruptEntries {
  private readonly logger = new InertLogger(DLQ_LOGGER_CONTEXT);
  private readonly reported = new Set<string>();

  constructor(private readonly events: FastMcpEvents) {}

  report(key: string): void {
    if (this.reported.has(key)) return;
    if (this.reported.size >= MAX_REMEMBERED_KEYS) this.reported.clear();
    this.reported.add(key);
    this.logger.warn(`Skipped a corrupt DLQ entry (its value is not JSON): ${key}`);
    this.events.emit('dlq.corrupt_entry', { key });
  }
}
