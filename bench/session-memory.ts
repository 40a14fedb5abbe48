/**
 * Heap per connected client session, with 1,000 sessions: FastMcpModule (one client id per
 * session) against 1,000 official SDK clients, on the same server. The heap (after forced GC)
 * with the sessions connected minus the heap once they are closed again, per session: measured
 * by release, so garbage left by earlier work cannot make the figure drift.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { bootFastMcp } from './support/bench-clients.js';
import { forceGc, type RoundSummary, rounds } from './support/stats.js';

export interface SessionMemoryResult {
  fastMcpBytesPerSession: RoundSummary;
  sdkBytesPerSession: RoundSummary;
}

const CONNECT_CONCURRENCY = 20;

async function inBatches(count: number, run: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i += CONNECT_CONCURRENCY) {
    const end = Math.min(i + CONNECT_CONCURRENCY, count);
    await Promise.all(Array.from({ length: end - i }, (_, k) => run(i + k)));
  }
}

/** heapUsed after GC, once finalizers of earlier work (closed apps and clients) have run. */
async function heapUsed(): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    forceGc();
    await sleep(100);
  }
  forceGc();
  return process.memoryUsage().heapUsed;
}

async function fastMcpRound(url: string, sessions: number): Promise<number> {
  const { app, client } = await bootFastMcp({ baseUrl: url, metrics: {}, dlq: {} });
  const ids = Array.from({ length: sessions }, (_, i) => `client-${i}`);
  try {
    await client.connectWithRetry('warm-up');
    await inBatches(sessions, (i) => client.connectWithRetry(ids[i]));
    const connected = await heapUsed();
    await inBatches(sessions, (i) => client.disconnect(ids[i]));
    const released = await heapUsed();
    return (connected - released) / sessions;
  } finally {
    await app.close();
  }
}

async function sdkRound(url: string, sessions: number): Promise<number> {
  const clients: Client[] = [];
  const connect = async (): Promise<void> => {
    const client = new Client({ name: 'bench-sdk', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    clients.push(client);
  };
  await inBatches(sessions, connect);
  const connected = await heapUsed();
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  const released = await heapUsed();
  return (connected - released) / sessions;
}

export async function runSessionMemory(
  url: string,
  dropSessions: () => Promise<unknown>,
  options = { sessions: 1000, rounds: 3 },
): Promise<SessionMemoryResult> {
  return await rounds(options.rounds, async () => {
    const fastMcpBytesPerSession = await fastMcpRound(url, options.sessions);
    await dropSessions();
    const sdkBytesPerSession = await sdkRound(url, options.sessions);
    await dropSessions();
    return { fastMcpBytesPerSession, sdkBytesPerSession };
  });
}
