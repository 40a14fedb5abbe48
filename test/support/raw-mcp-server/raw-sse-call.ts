import type { ServerResponse } from 'node:http';
import type { RawMessage, RawToolCall } from './raw-mcp-server.interface.js';

/** Server requests sent on SSE streams and waiting for the client's POSTed answer, by id. */
export class PendingAsks {
  private readonly waiting = new Map<string, (answer: RawMessage) => void>();
  private sequence = 0;

  /** A new id, and a promise of the answer that carries it. */
  open(): { id: string; answer: Promise<RawMessage> } {
    this.sequence += 1;
    const id = `srv-${this.sequence}`;
    const answer = new Promise<RawMessage>((resolve) => this.waiting.set(id, resolve));
    return { id, answer };
  }

  /** Delivers a response the client POSTed; false when no request waits for its id. */
  settle(message: RawMessage): boolean {
    const resolve = this.waiting.get(String(message.id));
    if (!resolve) return false;
    this.waiting.delete(String(message.id));
    resolve(message);
    return true;
  }
}

/** Writes one SSE event carrying a JSON-RPC message. */
export function writeSseMessage(res: ServerResponse, message: unknown, eventId?: string): void {
  const id = eventId === undefined ? '' : `id: ${eventId}\n`;
  res.write(`event: message\n${id}data: ${JSON.stringify(message)}\n\n`);
}

/** Answers a tools/call on an SSE stream: runs `answer` (which may ask the client), then ends. */
export async function answerOnSse(
  res: ServerResponse,
  headers: Record<string, string>,
  request: RawMessage,
  call: Omit<RawToolCall, 'ask'>,
  pending: PendingAsks,
  answer: (call: RawToolCall) => Promise<Record<string, unknown>> | Record<string, unknown>,
): Promise<void> {
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();
  const ask = (method: string, params?: Record<string, unknown>): Promise<RawMessage> => {
    const { id, answer: reply } = pending.open();
    writeSseMessage(res, { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    return reply;
  };
  const result = await answer({ ...call, ask });
  writeSseMessage(res, { jsonrpc: '2.0', id: request.id, result });
  res.end();
}
