import { OTHER_CLIENT_ID_LABEL } from './fastmcp-metrics.constants.js';

/** Bounds the `client_id` label: the first `max` client ids seen keep theirs, later ones get `other`. */
export class ClientIdLabels {
  private readonly known = new Set<string>();

  constructor(private readonly max: number) {}

  label(clientId: string): string {
    if (this.known.has(clientId)) return clientId;
    if (this.known.size >= this.max) return OTHER_CLIENT_ID_LABEL;
    this.known.add(clientId);
    return clientId;
  }
}
