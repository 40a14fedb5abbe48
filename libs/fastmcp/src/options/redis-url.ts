import { percentDecoded } from '../auth/percent-decoded.js';

/**
 * Why ioredis could not use a Redis URL that parses, or undefined: it would connect to a default
 * host, fail with a driver error, or throw URIError decoding the credentials. Never quotes the URL.
 */
export function redisUrlProblem(url: URL): string | undefined {
  if (url.hostname === '') return 'must name a host';
  if (url.port === '0') return 'must have a port 1..65535';
  if (percentDecoded(url.username) === undefined || percentDecoded(url.password) === undefined) {
    return 'has a user name or password that is not valid percent-encoding';
  }
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d{1,9}$/.test(url.pathname)) {
    return 'must have no path but a database number (/0, /1, ...)';
  }
  // ioredis reads a query as options (keyPrefix, db, tls...) over the module's own.
  if (url.search !== '') return 'must not have a ?query (set options in dlq.redis instead)';
  return undefined;
}
