import { FastMcpConfigError, FastMcpShutdownError } from '@app/fastmcp';
import { HttpStatus } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
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
});
