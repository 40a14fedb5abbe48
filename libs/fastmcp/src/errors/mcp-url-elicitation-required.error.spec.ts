import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_OPTIONS } from '../options/fastmcp-options.defaults.js';
import { classifyError, deadLetterKindOf } from '../retry/classify-error.js';
import { deliveryOf } from '../retry/delivery.js';
import { matchResponse } from '../transport/jsonrpc.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { isMcpProtocolError } from './mcp-protocol.error.js';
import {
  isMcpUrlElicitationRequiredError,
  McpUrlElicitationRequiredError,
} from './mcp-url-elicitation-required.error.js';
import { withFields } from './with-fields.js';

const SECRET = 'configured-api-key-0123456';
const upstream = new UpstreamText({
  url: 'http://127.0.0.1:1/mcp',
  headers: { 'X-Api-Key': SECRET },
});
const CONNECT = {
  mode: 'url',
  elicitationId: 'e-1',
  url: 'https://auth.example.com/connect?e=1',
  message: 'Authorise access to your files',
};

function answeredWith(error: Record<string, unknown>): unknown {
  try {
    matchResponse({ jsonrpc: '2.0', id: 7, error } as never, 7, upstream);
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

describe('McpUrlElicitationRequiredError', () => {
  it('is what a -32042 answer becomes, with its valid elicitations, scrubbed', () => {
    const error = answeredWith({
      code: -32042,
      message: `This request requires more information (key ${SECRET})`,
      data: { elicitations: [CONNECT, { ...CONNECT, elicitationId: 'e-2', url: 'javascript:x' }] },
    }) as McpUrlElicitationRequiredError;
    expect(isMcpUrlElicitationRequiredError(error)).toBe(true);
    expect(isMcpProtocolError(error)).toBe(true);
    expect(error.code).toBe(-32042);
    expect(error.message).toBe(
      'MCP error -32042: This request requires more information (key [REDACTED])',
    );
    expect(error.elicitations).toEqual([
      { elicitationId: 'e-1', url: CONNECT.url, message: CONNECT.message },
    ]);
    expect(error.delivery).toBe('not_delivered');
  });

  it('is not what another code becomes', () => {
    const error = answeredWith({
      code: -32043,
      message: 'other',
      data: { elicitations: [CONNECT] },
    });
    expect(isMcpProtocolError(error)).toBe(true);
    expect(isMcpUrlElicitationRequiredError(error)).toBe(false);
  });

  it('is never retried, dead-lettered under its own class, and proves nothing ran', () => {
    const error = new McpUrlElicitationRequiredError([], 'needs a URL', {
      delivery: 'not_delivered',
    });
    expect(classifyError(error, DEFAULT_RETRY_OPTIONS.retryableStatusCodes)).toEqual({
      errorClass: 'url_elicitation_required',
      retryable: false,
    });
    expect(deadLetterKindOf(error)).toBe('protocol');
    expect(deliveryOf(error, DEFAULT_RETRY_OPTIONS.notDeliveredStatusCodes)).toBe('not_delivered');
  });

  it('keeps its elicitations, frozen, in a copy naming the client id', () => {
    const error = new McpUrlElicitationRequiredError(
      [{ elicitationId: 'e-1', url: CONNECT.url, message: 'm' }],
      'needs a URL',
    );
    const copy = withFields(error, { clientId: 'github', operation: 'call_tool' });
    expect(isMcpUrlElicitationRequiredError(copy)).toBe(true);
    expect(copy.clientId).toBe('github');
    expect(copy.elicitations).toEqual(error.elicitations);
    expect(Object.isFrozen(copy.elicitations)).toBe(true);
    expect(Object.isFrozen(copy.elicitations[0])).toBe(true);
  });
});
