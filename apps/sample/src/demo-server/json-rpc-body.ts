import { type IncomingMessage } from 'node:http';

/** The parts of a JSON-RPC message the HTTP layer looks at. */
export interface JsonRpcMessageInfo {
  readonly method?: string;
  readonly toolName?: string;
}

/** A request body: the value to hand to the SDK and the messages found in it. */
export interface ParsedJsonRpcBody {
  /** Parsed JSON, or the raw text when it is not JSON (the SDK then answers the parse error). */
  readonly body: unknown;
  readonly messages: readonly JsonRpcMessageInfo[];
}

export async function readRequestText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonRpcBody(text: string): ParsedJsonRpcBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { body: text, messages: [] };
  }
  const items: unknown[] = Array.isArray(body) ? body : [body];
  return { body, messages: items.map(describeMessage) };
}

function describeMessage(item: unknown): JsonRpcMessageInfo {
  if (typeof item !== 'object' || item === null) return {};
  const { method, params } = item as { method?: unknown; params?: { name?: unknown } };
  return {
    method: typeof method === 'string' ? method : undefined,
    toolName: typeof params?.name === 'string' ? params.name : undefined,
  };
}
