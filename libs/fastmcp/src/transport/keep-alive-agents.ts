import {
  type SocketWatch,
  SocketWatchingHttpAgent,
  SocketWatchingHttpsAgent,
} from './socket-watch.js';
import { CONNECTIONS_PER_ORIGIN, POOL_IDLE_MS } from './origin-pools.js';

/**
 * The keep-alive agents behind axios (https, and http the undici pools do not carry). A socket
 * left idle closes after `idleMs`, like an idle pool, or sooner when the server's keep-alive hint
 * says so: without a hint Node keeps it open for good, one per server ever called.
 */
export function keepAliveAgents(sockets: SocketWatch, idleMs = POOL_IDLE_MS) {
  const options = { keepAlive: true, maxSockets: CONNECTIONS_PER_ORIGIN, timeout: idleMs };
  return {
    http: new SocketWatchingHttpAgent(options, sockets),
    https: new SocketWatchingHttpsAgent(options, sockets),
  };
}
