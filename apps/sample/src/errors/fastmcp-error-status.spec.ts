import {
  FastMcpConfigError,
  FastMcpShutdownError,
  McpProtocolError,
  McpUrlElicitationRequiredError,
} from '@app/fastmcp';
import { HttpStatus, Logger } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { errorReply } from './error-reply.js';
import { fastMcpErrorStatus } from './fastmcp-error-status.js';

describe('fastMcpErrorStatus', () => {
  it('answers 503 to a call refused or ended because the app is shutting down', () => {
    expect(fastMcpErrorStatus(new FastMcpShutdownError('no new call is accepted'))).toBe(
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  });

  it('answers 400 to a call given what it cannot take (the library names the field)', () => {
    const refused = new FastMcpConfigError(
      [{ field: 'opts.priority', message: 'must be one of "high", "normal", "low"' }],
      'call',
    );
    expect(fastMcpErrorStatus(refused)).toBe(HttpStatus.BAD_REQUEST);
  });

  it('answers 409 with the URLs to visit when the server needs a URL elicitation first', () => {
    const elicitation = {
      elicitationId: 'e-1',
      url: 'https://auth.example.com/connect?e=1',
      message: 'Authorise access to your files',
    };
    const error = new McpUrlElicitationRequiredError([elicitation], 'needs more information');
    expect(fastMcpErrorStatus(error)).toBe(HttpStatus.CONFLICT);
    expect(errorReply(error, new Logger('test'))).toEqual({
      status: 409,
      body: {
        statusCode: 409,
        error: 'Conflict',
        message: 'MCP error -32042: needs more information',
        code: 'McpUrlElicitationRequiredError',
        elicitations: [elicitation],
      },
    });
    // Another protocol error is an upstream failure, with no such list.
    const other = errorReply(new McpProtocolError(-32042, 'untyped'), new Logger('test'));
    expect(other).toMatchObject({ status: 502 });
    expect(other.body).not.toHaveProperty('elicitations');
  });
});
