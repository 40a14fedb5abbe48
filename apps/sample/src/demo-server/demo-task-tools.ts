import { type McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What `report` tasks are kept for after they finish, and how often clients should poll them. */
const TASK_TTL_MS = 5 * 60_000;
const POLL_INTERVAL_MS = 250;
const MAX_REPORT_MS = 60_000;

/**
 * Registers `report`, a tool that may run as a task (`execution.taskSupport: 'optional'`):
 * called with a task it answers at once with the task and finishes after `ms`; called without
 * one it waits `ms` and answers. Its tasks live in the server's task store (the SDK's).
 */
export function registerReportTool(mcp: McpServer): RegisteredTool {
  const report = (label: string): CallToolResult => ({
    content: [{ type: 'text', text: `report ${label}`.trim() }],
  });
  return mcp.experimental.tasks.registerToolTask(
    'report',
    {
      description: 'Writes a report after `ms` milliseconds; may run as a task',
      inputSchema: {
        ms: z.number().int().min(0).max(MAX_REPORT_MS),
        label: z.string().max(200).optional(),
      },
      execution: { taskSupport: 'optional' },
    },
    {
      createTask: async ({ ms, label = '' }, extra) => {
        const task = await extra.taskStore.createTask({
          ttl: TASK_TTL_MS,
          pollInterval: POLL_INTERVAL_MS,
        });
        // Unref'd: a task still working does not hold the process open at shutdown.
        setTimeout(() => {
          void extra.taskStore
            .storeTaskResult(task.taskId, 'completed', report(label))
            .catch(() => {});
        }, ms).unref();
        return { task };
      },
      getTask: async (_args, extra) => extra.taskStore.getTask(extra.taskId),
      getTaskResult: async (_args, extra) =>
        (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
    },
  );
}
