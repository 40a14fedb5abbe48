import { type JsonRpcMessageInfo } from './json-rpc-body.js';

/** Counts requests that reached the HTTP layer, by JSON-RPC method and tool name. */
export class RequestCounter {
  private readonly counts = new Map<string, number>();

  recordMessages(messages: readonly JsonRpcMessageInfo[]): void {
    for (const message of messages) {
      if (message.method === undefined) continue;
      this.bump(message.method);
      if (message.toolName !== undefined) this.bump(`${message.method}:${message.toolName}`);
    }
  }

  recordHttp(httpMethod: string): void {
    this.bump(`HTTP ${httpMethod}`);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private bump(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
