import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

/** MCP's log levels (RFC 5424 severities), least severe first. */
export const LOGGING_LEVELS: readonly LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];
