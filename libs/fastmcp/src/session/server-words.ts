import type { Implementation, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamText } from '../transport/upstream-text.js';

/** What a server says of itself, as a session keeps it. */
export interface ServerWords {
  serverInfo: Implementation;
  capabilities: ServerCapabilities;
  instructions?: string;
}

/**
 * What a server says of itself (`serverInfo`, `capabilities`, `instructions`) without the
 * request's secrets: a gateway may name itself after the caller's key, and a session gets logged
 * and shown (a REST reply). Only known secrets go, from every string and key: instructions may be
 * long and must not be cut, an icon's data URL must stay whole.
 */
export function serverWords(words: ServerWords, upstream: UpstreamText): ServerWords {
  const strip = (text: string): string => upstream.withoutKnown(text);
  return {
    serverInfo: withoutKnownDeep(words.serverInfo, strip) as Implementation,
    capabilities: withoutKnownDeep(words.capabilities, strip) as ServerCapabilities,
    instructions: words.instructions === undefined ? undefined : strip(words.instructions),
  };
}

/** A copy of a JSON value with `strip` applied to every string, keys too. */
export function withoutKnownDeep(value: unknown, strip: (text: string) => string): unknown {
  if (typeof value === 'string') return strip(value);
  if (Array.isArray(value)) return value.map((item: unknown) => withoutKnownDeep(item, strip));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [strip(key), withoutKnownDeep(item, strip)]),
  );
}
