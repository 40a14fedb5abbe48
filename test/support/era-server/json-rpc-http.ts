/** A JSON-RPC request as the adapter reads it (loosely typed on purpose). */
export interface RpcRequest {
  jsonrpc: '2.0';
  id: string | number;
  method: string;
  params?: Record<string, unknown>;
}

/** A JSON-RPC error object. */
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** A JSON-RPC response: a result or an error. */
export interface RpcReply {
  id?: string | number | null;
  result?: Record<string, unknown>;
  error?: RpcError;
}

/** A JSON-RPC result as an `application/json` answer. */
export function resultResponse(id: RpcRequest['id'], result: Record<string, unknown>): Response {
  return Response.json({ jsonrpc: '2.0', id, result });
}

/** A JSON-RPC error as an `application/json` answer (HTTP 200 unless told: an in-band error). */
export function errorResponse(id: RpcRequest['id'], error: RpcError, status = 200): Response {
  return Response.json({ jsonrpc: '2.0', id, error }, { status });
}

/** The body of a POST if it is one JSON-RPC request, else undefined. */
export async function readRpcRequest(request: Request): Promise<RpcRequest | undefined> {
  if (request.method !== 'POST') return undefined;
  const body = (await request
    .clone()
    .json()
    .catch(() => undefined)) as Partial<RpcRequest> | undefined;
  const isRequest =
    typeof body === 'object' &&
    body !== null &&
    typeof body.method === 'string' &&
    (typeof body.id === 'string' || typeof body.id === 'number');
  return isRequest ? (body as RpcRequest) : undefined;
}

/**
 * The JSON-RPC response in an SDK answer, which may be `application/json` or an SSE stream (the
 * last event carrying a result or an error wins). Undefined when there is none.
 */
export async function readRpcReply(response: Response): Promise<RpcReply | undefined> {
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return parseReply(text);
  }
  let reply: RpcReply | undefined;
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    reply = parseReply(data) ?? reply;
  }
  return reply;
}

function parseReply(text: string): RpcReply | undefined {
  try {
    const message = JSON.parse(text) as unknown;
    const isReply =
      typeof message === 'object' &&
      message !== null &&
      ('result' in message || 'error' in message);
    return isReply ? (message as RpcReply) : undefined;
  } catch {
    return undefined;
  }
}
