/** The MCP servers the app may reach, by client id (configured, or the demo server). */
export const MCP_SERVERS = Symbol('Sample:McpServers');

/** The DLQ store chosen at start: `{ store: 'redis', url, redis }` or `{ store: 'memory' }`. */
export const DLQ_STORE = Symbol('Sample:DlqStore');
