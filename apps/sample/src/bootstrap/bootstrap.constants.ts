/** The demo MCP server's handle, or null when servers are configured. */
export const DEMO_MCP_SERVER = Symbol('Sample:DemoMcpServer');

/** The MCP servers the app may reach, by client id (configured, or the demo server). */
export const MCP_SERVERS = Symbol('Sample:McpServers');

/** The DLQ store chosen at start: `{ store: 'redis', url }` or `{ store: 'memory' }`. */
export const DLQ_STORE = Symbol('Sample:DlqStore');
