import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamText } from '../transport/upstream-text.js';

/** The fields of `serverInfo` that are the server's own text. */
const TEXT_FIELDS = ['name', 'title', 'version', 'description'] as const;

/**
 * What a server says of itself (`serverInfo`, `instructions`) without the request's secrets: a
 * gateway may name itself after the caller's key, and a session gets logged and shown (a REST
 * reply). Only known secrets go: instructions may be long and must not be cut.
 */
export function serverWords(
  serverInfo: Implementation,
  instructions: string | undefined,
  upstream: UpstreamText,
): { serverInfo: Implementation; instructions?: string } {
  const info: Record<string, unknown> = Object.assign({}, serverInfo);
  for (const field of TEXT_FIELDS) {
    const text = info[field];
    if (typeof text === 'string') info[field] = upstream.withoutKnown(text);
  }
  return {
    serverInfo: info as Implementation,
    instructions: instructions === undefined ? undefined : upstream.withoutKnown(instructions),
  };
}
