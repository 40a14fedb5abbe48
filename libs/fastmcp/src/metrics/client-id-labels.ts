import { OTHER_CLIENT_ID_LABEL } from './fastmcp-metrics.constants.js';

/**
 * Bounds a label whose values are client ids (`client_id`, `server`): the `configured` ones
 * (the module's `servers`) always keep theirs; the others seen first keep theirs until `max`
 * client ids are labelled in all; later ones get `other`, unless a slot was released. A client id
 * once given `other` keeps it until it is released: its part of that series (a queue, a circuit
 * state) must not stay behind there while it reports under a label of its own.
 */
export class ClientIdLabels {
  private readonly known: Set<string>;
  private readonly folded = new Set<string>();
  private readonly configured: ReadonlySet<string>;

  constructor(
    private readonly max: number,
    configured: Iterable<string> = [],
  ) {
    this.configured = new Set(configured);
    this.known = new Set(this.configured);
  }

  /** Frees the slot of a client id whose series are all gone; a configured one keeps its own. */
  release(clientId: string): void {
    if (!this.configured.has(clientId)) this.known.delete(clientId);
    this.folded.delete(clientId);
  }

  /**
   * Forgets a folded client id whose slot stays taken. Safe only while every slot stays taken
   * (client ids as labels never free one): it can then come back only as `other` again.
   */
  unfold(clientId: string): void {
    if (this.known.size >= this.max) this.folded.delete(clientId);
  }

  /** How many client ids this remembers: the labelled ones, and the folded ones not released. */
  get remembered(): number {
    return this.known.size + this.folded.size;
  }

  label(clientId: string): string {
    if (this.known.has(clientId)) return clientId;
    if (this.folded.has(clientId) || this.known.size >= this.max) {
      this.folded.add(clientId);
      return OTHER_CLIENT_ID_LABEL;
    }
    this.known.add(clientId);
    return clientId;
  }
}
