import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** Where the console's static files are: next to this file (nest-cli.json copies them to dist). */
export const ADMIN_UI_DIR = fileURLToPath(new URL('./ui/', import.meta.url));

/**
 * No inline script or style, nothing from another origin, no framing: every value the console
 * shows comes from dead letters, which attackers can write (tool arguments, upstream errors).
 */
export const ADMIN_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': ADMIN_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // The page is small and changes with the app; never serve a stale one.
  'Cache-Control': 'no-cache',
};

/**
 * Serves the DLQ console at /admin: static HTML, CSS and ES modules, no build step. The page
 * holds no data: it calls the REST API with the key the operator types, so it needs no key to
 * load and adds no endpoint of its own.
 */
export function setupAdminConsole(app: NestExpressApplication): void {
  app.use('/admin', (_request: IncomingMessage, response: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    next();
  });
  app.useStaticAssets(ADMIN_UI_DIR, { prefix: '/admin', index: 'index.html', fallthrough: true });
}
