import { type IncomingMessage, STATUS_CODES, type ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ErrorBody } from './errors/error-body.interface.js';

/** What this reads of Express's router: its route layers, matched as the router matches them. */
interface RouteLayer {
  route?: { methods: Record<string, boolean | undefined> };
  /** The route's parameters in `keys` when the path fits, else false. */
  match(path: string): false | { keys: readonly string[] };
}

/**
 * A request for a path the API serves, but not with its method, gets 405 and an `Allow` header.
 * Without this, `POST /dlq/stats` was a 404 and `GET /dlq/replay` a 400 (it fits `GET /dlq/:id`,
 * and `replay` is no entry id). A path with a route of its own wins over routes with a parameter
 * that also fit it: an entry id is never a word like `replay`. Answered before the API key is
 * checked, as a 404 is: the routes are public in the OpenAPI document.
 */
export function setupMethodNotAllowed(app: NestExpressApplication): void {
  const { router } = app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    // The path as the router matches it: the URL before its query.
    const path = (request.url ?? '/').split('?', 1)[0];
    const allowed = methodsServing(router.stack, path);
    const method = (request.method ?? 'GET').toLowerCase();
    const served =
      allowed.size === 0 ||
      method === 'options' ||
      allowed.has(method) ||
      allowed.has('_all') ||
      (method === 'head' && allowed.has('get'));
    if (served) return next();
    const names = [...allowed].map((name) => name.toUpperCase());
    if (allowed.has('get')) names.push('HEAD');
    const body: ErrorBody = {
      statusCode: 405,
      error: STATUS_CODES[405] ?? 'Method Not Allowed',
      message: `${method.toUpperCase()} is not allowed here; allowed: ${names.join(', ')}`,
    };
    response.statusCode = 405;
    response.setHeader('Allow', names.join(', '));
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(body));
  });
}

/** The methods of the routes that fit `path`: those without a parameter if any fits, else the rest. */
function methodsServing(stack: readonly RouteLayer[], path: string): Set<string> {
  const literal = new Set<string>();
  const withParameters = new Set<string>();
  for (const layer of stack) {
    // Another router version without match() leaves the routing to Nest, as before.
    const fit = layer.route && typeof layer.match === 'function' ? layer.match(path) : false;
    if (!layer.route || !fit) continue;
    const into = fit.keys.length === 0 ? literal : withParameters;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on) into.add(method);
  }
  return literal.size > 0 ? literal : withParameters;
}
