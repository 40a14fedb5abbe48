import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface DemoServerRequest {
  id: number;
  cmd: 'dropSessions' | 'sessionCount' | 'close';
}

export interface DemoServerReply {
  id: number;
  sessions: number;
}

/** The demo MCP server running in a child process (bench/support/demo-server.child.ts). */
export interface DemoServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Live server-side sessions. */
  sessionCount(): Promise<number>;
  /** Closes every server-side session: old session ids then get 404. */
  dropSessions(): Promise<number>;
  /** Closes the server and waits for the process to exit. Idempotent. */
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/**
 * Starts the demo server (or another child speaking the same IPC, e.g. the 2026-07-28 server)
 * in a child process and waits for its URL.
 */
export async function startDemoServerProcess(
  script = 'bench/support/demo-server.child.ts',
): Promise<DemoServerProcess> {
  const child = spawn(process.execPath, ['bench/run-ts.mjs', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    const url = await readUrl(child);
    return handleOf(child, url, () => process.off('exit', killOnExit));
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw error;
  }
}

async function readUrl(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  try {
    for await (const line of lines) {
      if (!line.startsWith('{')) continue;
      return (JSON.parse(line) as { url: string }).url;
    }
    throw new Error(`demo server process exited (code ${child.exitCode}) before printing its URL`);
  } finally {
    clearTimeout(timer);
    lines.close();
  }
}

function handleOf(child: ChildProcess, url: string, onClosed: () => void): DemoServerProcess {
  let nextId = 0;
  const pending = new Map<number, (reply: DemoServerReply) => void>();
  child.on('message', (reply: DemoServerReply) => pending.get(reply.id)?.(reply));
  const ask = (cmd: DemoServerRequest['cmd']): Promise<number> =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error('demo server process is gone'));
      const id = (nextId += 1);
      pending.set(id, (reply) => {
        pending.delete(id);
        resolve(reply.sessions);
      });
      child.send({ id, cmd } satisfies DemoServerRequest);
    });
  let closing: Promise<void> | undefined;
  return {
    url,
    pid: child.pid ?? -1,
    sessionCount: () => ask('sessionCount'),
    dropSessions: () => ask('dropSessions'),
    close: () =>
      (closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, 'exit');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await ask('close').catch(() => child.kill('SIGKILL'));
          await exited;
          clearTimeout(timer);
        }
        onClosed();
      })()),
  };
}
