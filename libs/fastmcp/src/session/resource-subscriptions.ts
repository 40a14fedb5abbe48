import { Injectable } from '@nestjs/common';

/**
 * The resource URIs each client id asked to hear about (`resources/subscribe`). A server keeps a
 * subscription only as long as its session, so they are kept here to be asked for again on every
 * new 2025 session, and to make up the filter of every 2026-07-28 `subscriptions/listen` stream.
 */
@Injectable()
export class ResourceSubscriptions {
  private readonly byClient = new Map<string, Set<string>>();

  add(clientId: string, uri: string): void {
    let uris = this.byClient.get(clientId);
    if (!uris) this.byClient.set(clientId, (uris = new Set()));
    uris.add(uri);
  }

  has(clientId: string, uri: string): boolean {
    return this.byClient.get(clientId)?.has(uri) ?? false;
  }

  delete(clientId: string, uri: string): void {
    const uris = this.byClient.get(clientId);
    uris?.delete(uri);
    if (uris?.size === 0) this.byClient.delete(clientId);
  }

  /** The client id's URIs, in the order they were first asked for. */
  uris(clientId: string): string[] {
    return [...(this.byClient.get(clientId) ?? [])];
  }

  forget(clientId: string): void {
    this.byClient.delete(clientId);
  }
}
