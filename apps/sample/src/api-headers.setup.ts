import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * Headers of every answer but the console's static files (/admin sets its own): the API's JSON
 * holds dead letters (tool arguments, upstream errors), so no browser or proxy may keep a copy
 * that a later request without the key would be served from.
 */
export const API_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

const ADMIN_PATH = /^\/admin(?:[/?#]|$)/;

/**
 * Sets API_RESPONSE_HEADERS first thing, so errors (401, 413...) carry them too; and drops
 * Express's `X-Powered-By`, which only tells a scanner what to try.
 */
export function setupApiResponseHeaders(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (!ADMIN_PATH.test(request.url ?? '')) {
      for (const [name, value] of Object.entries(API_RESPONSE_HEADERS)) {
        response.setHeader(name, value);
      }
    }
    next();
  });
}
