import {
  InMemoryTaskMessageQueue,
  InMemoryTaskStore,
} from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type SdkSessionsServer, serveSdkSessions } from './sdk-sessions-server.js';

export interface TaskToolsServer extends SdkSessionsServer {
  /** How many times each tool's work started, by tool name. */
  runs: Map<string, number>;
}

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

/** What a task tool does while it works, besides finishing after `ms`. */
type Meanwhile = (
  taskId: string,
  ms: number,
  extra: {
    taskStore: { updateTaskStatus(taskId: string, status: 'input_required'): Promise<unknown> };
    _meta?: { progressToken?: string | number };
  },
) => void;

/**
 * An official SDK 1.x server (2025-11-25, stateful) whose tools run as tasks, kept in the SDK's
 * InMemoryTaskStore (one per session), polled every 20 ms:
 *  - `report` (taskSupport `required`): done after `ms` with `report <label>`;
 *  - `export` (`optional`): the same, `export <label>`; also callable without a task;
 *  - `ask` (`required`): `input_required` until `ms` pass, then done with `answered`;
 *  - `broken` (`required`): failed after `ms`, its result a tool error;
 *  - `steps` (`required`): reports progress 1 of 2 and 2 of 2 on the call's token while it
 *    works (the SDK queues it for the task's `tasks/result` stream), done after `ms` with `stepped`.
 */
export async function startTaskToolsServer(): Promise<TaskToolsServer> {
  const runs = new Map<string, number>();
  const ran = (name: string): void => void runs.set(name, (runs.get(name) ?? 0) + 1);
  const served = await serveSdkSessions(() => {
    const capabilities = { tasks: { requests: { tools: { call: {} } }, cancel: {}, list: {} } };
    const mcp = new McpServer(
      { name: 'task-tools', version: '1.0.0' },
      {
        capabilities,
        taskStore: new InMemoryTaskStore(),
        taskMessageQueue: new InMemoryTaskMessageQueue(),
      },
    );
    const inputSchema = { ms: z.number(), label: z.string().optional() };
    /** Needs input once the answer is out: a poll finds it (the answer tells the task as created). */
    const inputRequired: Meanwhile = (taskId, _ms, extra) =>
      void setTimeout(() => void extra.taskStore.updateTaskStatus(taskId, 'input_required'), 0);
    /** Reports 1 of 2 and 2 of 2 on the call's token, queued by the SDK for `tasks/result`. */
    const twoSteps: Meanwhile = (taskId, ms, extra) => {
      const progressToken = extra._meta?.progressToken;
      if (progressToken === undefined) return;
      const report = (progress: number): void => {
        const params = { progressToken, progress, total: 2 };
        const options = { relatedTask: { taskId } };
        void mcp.server
          .notification({ method: 'notifications/progress', params }, options)
          .catch(() => {});
      };
      setTimeout(() => report(1), ms / 3);
      setTimeout(() => report(2), (2 * ms) / 3);
    };
    const finishing = (
      name: string,
      taskSupport: 'required' | 'optional',
      finish: (label: string) => { status: 'completed' | 'failed'; result: CallToolResult },
      meanwhile?: Meanwhile,
    ) =>
      mcp.experimental.tasks.registerToolTask(
        name,
        { description: `${name} as a task`, inputSchema, execution: { taskSupport } },
        {
          createTask: async ({ ms, label = '' }, extra) => {
            ran(name);
            const task = await extra.taskStore.createTask({ ttl: 60_000, pollInterval: 20 });
            meanwhile?.(task.taskId, ms, extra);
            setTimeout(() => {
              const { status, result } = finish(label);
              void extra.taskStore.storeTaskResult(task.taskId, status, result).catch(() => {});
            }, ms);
            return { task };
          },
          getTask: async (_args, extra) => extra.taskStore.getTask(extra.taskId),
          getTaskResult: async (_args, extra) =>
            (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
        },
      );
    finishing('report', 'required', (label) => ({
      status: 'completed',
      result: text(`report ${label}`),
    }));
    finishing('export', 'optional', (label) => ({
      status: 'completed',
      result: text(`export ${label}`),
    }));
    finishing(
      'ask',
      'required',
      () => ({ status: 'completed', result: text('answered') }),
      inputRequired,
    );
    finishing('broken', 'required', () => ({
      status: 'failed',
      result: { ...text('it broke'), isError: true },
    }));
    finishing(
      'steps',
      'required',
      () => ({ status: 'completed', result: text('stepped') }),
      twoSteps,
    );
    mcp.registerTool('plain', { description: 'no task' }, () => {
      ran('plain');
      return text('plain');
    });
    return mcp;
  });
  return { ...served, runs };
}
