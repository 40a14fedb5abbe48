import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { EraVerdict } from './discover-probe.js';
import type { UpstreamText } from '../transport/upstream-text.js';
import type { McpSession } from './mcp-session.interface.js';
import { serverWords } from './server-words.js';

const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';
const UNKNOWN_SERVER: Implementation = { name: 'unknown', version: 'unknown' };

/** The session view of a modern connection: what `server/discover` said, and no session id. */
export function modernSession(
  clientId: string,
  url: string,
  verdict: Extract<EraVerdict, { era: 'modern' }>,
  upstream: UpstreamText,
): McpSession {
  const discover = verdict.discover ?? {};
  const meta = (discover._meta ?? {}) as Record<string, unknown>;
  const info = meta[SERVER_INFO_META_KEY] as Partial<Implementation> | undefined;
  const serverInfo =
    typeof info?.name === 'string' && typeof info.version === 'string'
      ? (info as Implementation)
      : UNKNOWN_SERVER;
  const instructions =
    typeof discover.instructions === 'string' ? discover.instructions : undefined;
  const words = serverWords(
    { serverInfo, capabilities: discover.capabilities ?? {}, instructions },
    upstream,
  );
  return {
    clientId,
    url,
    protocolVersion: verdict.version,
    era: 'modern',
    serverInfo: words.serverInfo,
    capabilities: words.capabilities,
    instructions: words.instructions,
  };
}
