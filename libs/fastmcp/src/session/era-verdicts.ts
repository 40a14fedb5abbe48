import type { EraVerdict } from './discover-probe.js';

/**
 * The era verdict of each client id's server: one per client id, for the URL it was last
 * connected to. A connect to another URL replaces it, so a client id reconnected to many servers
 * keeps one verdict, not one per URL ever used.
 */
export class EraVerdicts {
  private readonly byClientId = new Map<string, { url: string; verdict: EraVerdict }>();

  get size(): number {
    return this.byClientId.size;
  }

  get(clientId: string, url: string): EraVerdict | undefined {
    const kept = this.byClientId.get(clientId);
    return kept?.url === url ? kept.verdict : undefined;
  }

  set(clientId: string, url: string, verdict: EraVerdict): void {
    this.byClientId.set(clientId, { url, verdict });
  }

  /** Forgets the verdict on `url`; one on another URL stays. */
  delete(clientId: string, url: string): void {
    if (this.byClientId.get(clientId)?.url === url) this.byClientId.delete(clientId);
  }

  forget(clientId: string): void {
    this.byClientId.delete(clientId);
  }
}
