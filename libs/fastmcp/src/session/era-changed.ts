import { McpTransportError } from '../errors/mcp-transport.error.js';
import type { RetryRun } from '../retry/retry-run.js';

/**
 * The server answered in the other era's way (upgraded, rolled back, or replaced behind its URL):
 * as with a lost session, the request did not run and the connection is negotiated again.
 */
export function eraChanged(error: unknown, run: RetryRun, said: string): McpTransportError {
  const status = (error as { status?: number }).status;
  return new McpTransportError(
    'session_lost',
    `the server no longer speaks ${said}${status ? ` (HTTP ${status})` : ''}`,
    { clientId: run.clientId, operation: run.operation, delivery: 'not_delivered', cause: error },
  );
}
