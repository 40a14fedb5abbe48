import type { ServerResponse } from 'node:http';
import type { RawMessage } from './raw-mcp-server/raw-mcp-server.interface.js';

/** A log message: the client raises it as a `server.message` event. */
export function logNotification(index: number): RawMessage {
  return {
    jsonrpc: '2.0',
    method: 'notifications/message',
    params: { level: 'info', data: index },
  };
}

/** How a flood travels: one JSON answer, or one SSE event, holding the whole batch. */
export type FloodForm = 'json' | 'sse';

/**
 * Answers `request` with one JSON-RPC batch: `count` notifications made by `make`, then the
 * response (a text result), as a JSON answer or as the single event of an SSE stream.
 */
export function answerWithBatch(
  res: ServerResponse,
  request: RawMessage,
  form: FloodForm,
  count: number,
  make: (index: number) => RawMessage = logNotification,
): void {
  const items: string[] = [];
  for (let index = 0; index < count; index += 1) items.push(JSON.stringify(make(index)));
  const result = { content: [{ type: 'text', text: 'done' }] };
  items.push(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }));
  const batch = `[${items.join(',')}]`;
  if (form === 'json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(batch);
  } else {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(`data: ${batch}\n\n`);
  }
}

/**
 * Answers `request` on an SSE stream: each message made by `make` in an event of its own, then
 * the response in the last event.
 */
export function answerWithEvents(
  res: ServerResponse,
  request: RawMessage,
  count: number,
  make: (index: number) => RawMessage,
): void {
  let text = '';
  for (let index = 0; index < count; index += 1) text += `data: ${JSON.stringify(make(index))}\n\n`;
  const result = { content: [{ type: 'text', text: 'done' }] };
  text += `data: ${JSON.stringify({ jsonrpc: '2.0', id: request.id, result })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(text);
}
