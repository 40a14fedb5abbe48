import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { findFreePort } from './free-port.js';

/** A real `redis-server` child process on 127.0.0.1 and a free port. */
export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Starts it again on the same port and waits for PING (no-op when running). */
  start(): Promise<void>;
  /** Kills it (SIGTERM, no save) and waits for the process to exit (no-op when stopped). */
  stop(): Promise<void>;
  isRunning(): boolean;
  /** Stops it for good and removes its working directory. Idempotent. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 5_000;

/** Path of the redis-server binary: `$REDIS_SERVER_BIN`, else /usr/bin/redis-server. */
export function redisServerBinary(): string {
  const binary = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
  if (!existsSync(binary)) {
    throw new Error(
      `redis-server not found at ${binary}: run \`apt-get install redis-server\` ` +
        '(or set REDIS_SERVER_BIN to its path)',
    );
  }
  return binary;
}

export interface RedisServerOptions {
  /**
   * Keep the data across `stop()` / `start()`: an append-only file in the server's working
   * directory, fsynced on every write. Default false (a restarted server comes back empty).
   */
  persistent?: boolean;
  /** More `redis-server` arguments (e.g. cluster mode). */
  args?: readonly string[];
  /** The port to listen on. Default: a free one. */
  port?: number;
}

export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<RedisServerHandle> {
  const binary = redisServerBinary();
  const port = options.port ?? (await findFreePort(HOST));
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const args = [
    '--save',
    '',
    ...persistence,
    '--port',
    String(port),
    '--bind',
    HOST,
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async (): Promise<void> => {
    if (child) return;
    const proc = spawn(binary, [...args, '--dir', dir], { stdio: 'ignore' });
    child = proc;
    let spawnError: Error | undefined;
    proc.once('error', (error) => void (spawnError = error));
    proc.once('exit', () => {
      if (child === proc) child = undefined;
    });
    await waitForPing(port, proc, () => spawnError);
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= stop().then(() => {
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    }));

  try {
    await start();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url: `redis://${HOST}:${port}`,
    host: HOST,
    port,
    start,
    stop,
    isRunning: () => child !== undefined,
    close,
  };
}

async function waitForPing(
  port: number,
  proc: ChildProcess,
  spawnError: () => Error | undefined,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const error = spawnError();
    if (error) throw new Error(`redis-server failed to start: ${error.message}`, { cause: error });
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`redis-server exited early (code ${proc.exitCode}, port ${port})`);
    }
    try {
      if ((await ping(port)) === 'PONG') return;
    } catch (error) {
      lastError = error;
    }
    await sleep(25);
  }
  proc.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING`, { cause: lastError });
}

async function ping(port: number): Promise<string> {
  const client = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}
