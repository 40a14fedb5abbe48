import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

export const UPSTREAM_UNAVAILABLE =
  "The server's circuit is open or its rate-limit queue is full (not sent), or the app is shutting down";

/** The answers every route that asks an MCP server gives besides its own 200. */
export function ApiUpstreamResponses(badRequest = 'Malformed client id'): MethodDecorator {
  return applyDecorators(
    ApiResponse({ status: 400, description: badRequest }),
    ApiResponse({ status: 404, description: 'Not a configured client id' }),
    ApiResponse({ status: 502, description: 'The MCP server failed' }),
    ApiResponse({ status: 503, description: UPSTREAM_UNAVAILABLE }),
    ApiResponse({ status: 504, description: 'The MCP server timed out' }),
  );
}
