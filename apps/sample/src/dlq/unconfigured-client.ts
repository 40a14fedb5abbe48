import { isUnknownClientError } from '@app/fastmcp';
import { ConflictException } from '@nestjs/common';
import type { ErrorBody } from '../errors/error-body.interface.js';

/**
 * Rethrows a replay's failure; one because the entry's client id is not configured on this
 * instance (an entry imported from another, or a server configured away since) as 409. The entry
 * is there and stays, which the 404 of an unknown client id in a route would deny.
 */
export function rethrowUnconfiguredClient(error: unknown): never {
  if (!isUnknownClientError(error)) throw error;
  const body: ErrorBody = {
    statusCode: 409,
    error: 'Conflict',
    message: `the entry's ${error.message}; the entry stays`,
    code: error.name,
    clientId: error.clientId,
  };
  throw new ConflictException(body);
}
