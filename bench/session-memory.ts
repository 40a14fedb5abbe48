/**
 * Heap per connected client session, with 1,000 sessions: FastMcpModule (one client id per
 * session) against 1,000 official SDK clients, on the same server. Heap after a forced GC,
 * before and after connecting, divided by the sessions.
 */
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

function heapUsed(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}

async function fastMcpRound(url: string, sessions: number): Promise<number> {
  const { app, client } = await bootFastMcp({ baseUrl: url, metrics: {}, dlq: {} });
  try {
    await client.connectWithRetry('warm-up');
    const before = heapUsed();
    await inBatches(sessions, (i) => client.connectWithRetry(`client-${i}`));
    const after = heapUsed();
    if (client.getSession(`client-${sessions - 1}`) === undefined) throw new Error('not connected');
    return (after - before) / sessions;
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
  try {
    await connect();
    const before = heapUsed();
    await inBatches(sessions, connect);
    const after = heapUsed();
    return (after - before) / sessions;
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
  }
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
