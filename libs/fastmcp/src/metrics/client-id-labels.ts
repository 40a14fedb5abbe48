import { OTHER_CLIENT_ID_LABEL } from './fastmcp-metrics.constants.js';

/**
 * Bounds a label whose values are client ids (`client_id`, `server`): the `configured` ones
 * (the module's `servers`) always keep theirs; the others seen first keep theirs until `max`
 * client ids are labelled in all; later ones get `other`.
 */
export class ClientIdLabels {
  private readonly known: Set<string>;

  constructor(
    private readonly max: number,
    configured: Iterable<string> = [],
  ) {
    this.known = new Set(configured);
  }

  label(clientId: string): string {
    if (this.known.has(clientId)) return clientId;
    if (this.known.size >= this.max) return OTHER_CLIENT_ID_LABEL;
    this.known.add(clientId);
    return clientId;
  }
}
