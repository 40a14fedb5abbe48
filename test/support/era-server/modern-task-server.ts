import { createMcpHandler } from '@modelcontextprotocol/server';
import type { ToolRuns } from './era-tools.js';
import { type SeenRequest, serveRecordingRequests } from './era-server.js';
import { taskAdapter } from './task-adapter.js';
import { buildTaskToolServer } from './task-tools.js';

export interface ModernTaskServer {
  /** `http://127.0.0.1:PORT/mcp`. */
  url: string;
  /** Executions per tool name, counted by the SDK tools themselves. */
  runs: ToolRuns;
  /** Every HTTP request, in order. */
  requests: SeenRequest[];
  /** Statuses of the tasks made so far, by task id (for assertions). */
  taskStatus(taskId: string): string | undefined;
  close(): Promise<void>;
}

export interface ModernTaskServerOptions {
  /** `pollIntervalMs` of every task. Default 20. */
  pollIntervalMs?: number;
  /** `ttlMs` of every task (reported only; tasks are never purged). Default 60_000. */
  ttlMs?: number;
}

/**
 * A 2026-07-28 server with the tasks extension (`io.modelcontextprotocol/tasks`) on 127.0.0.1:
 * a modern-only `@modelcontextprotocol/server` 2.4.0 handler runs the tools (`slow`,
 * `needs_task`, `confirm`, `plain`), and a task adapter in front of it makes and answers the
 * tasks, since no SDK implements the extension yet.
 */
export async function startModernTaskServer(
  options: ModernTaskServerOptions = {},
): Promise<ModernTaskServer> {
  const runs: ToolRuns = new Map();
  const requests: SeenRequest[] = [];
  const mcp = createMcpHandler(() => buildTaskToolServer(runs), { legacy: 'reject' });
  const adapter = taskAdapter((request) => mcp.fetch(request), {
    pollIntervalMs: options.pollIntervalMs ?? 20,
    ttlMs: options.ttlMs ?? 60_000,
  });
  const server = await serveRecordingRequests(requests, adapter.handler);
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    runs,
    requests,
    taskStatus: adapter.taskStatus,
    close: async () => {
      adapter.abortAll();
      await mcp.close();
      await server.close();
    },
  };
}
