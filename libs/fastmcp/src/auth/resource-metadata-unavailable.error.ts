import { DiscoveryRefusedError } from './discovery-refused.error.js';

/**
 * The protected resource metadata could not be read, though the server may publish some: the
 * flow does not fall back to the 2025-03-26 rules. `transient` when another try may read it
 * (5xx, 408, 429, no answer); the call is then retried as any transient failure is.
 */
export class ResourceMetadataUnavailableError extends DiscoveryRefusedError {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}
