import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ResponseMessage } from '@modelcontextprotocol/sdk/shared/responseMessage.js';
import {
  type CreateMessageRequestParams,
  CreateMessageResultSchema,
  CreateTaskResultSchema,
  ElicitResultSchema,
  type Result,
  type Task,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { PROFILE_FORM } from './protocol-server/client-request-tools.js';
import { answerOf, type ClientAnswer, toolReport } from './protocol-server/tool-report.js';
import { type SdkSessionsServer, serveSdkSessions } from './sdk-sessions-server.js';

export interface ClientTaskServer extends SdkSessionsServer {
  /**
   * The latest session's server. What a test sends through it (`experimental.tasks.getTask`...)
   * relates to no request: the SDK sends it on the session's GET stream.
   */
  latest(): McpServer;
}

/** What a tool saw of a request it sent the client as a task, through the SDK's requestStream. */
export interface TaskRunReport extends Record<string, unknown> {
  asTask: boolean;
  created?: Task;
  /** The statuses its polls (`tasks/get`) found, in order. */
  statuses: string[];
  answer?: ClientAnswer;
  /** For a task that did not complete: what `tasks/result` said of it. */
  taskResult?: ClientAnswer;
}

/** How long the server waits for each answer of the client. */
const ANSWER_TIMEOUT_MS = 10_000;

const SAMPLING: CreateMessageRequestParams = {
  messages: [{ role: 'user', content: { type: 'text', text: 'Say hello' } }],
  maxTokens: 64,
};

/**
 * An official SDK 1.x server (2025-11-25, stateful) whose tools send the client requests as tasks
 * (the client being the task's receiver), when the client declared that it takes them:
 *  - `capabilities`: the capabilities the client declared in `initialize`;
 *  - `elicit_as_task` / `sample_as_task` ({ ttl? }): `elicitation/create` (the profile form) or
 *    `sampling/createMessage` through the SDK's `elicitInputStream` / `createMessageStream`
 *    with `task`, on the call's stream: the task is made, polled with `tasks/get` at the
 *    client's `pollInterval`, and its result fetched with `tasks/result`; a plain request
 *    instead when the client did not declare the method in `tasks.requests`;
 *  - `elicit_task_quietly` ({ ttl? }): sends the elicitation as a task on the call's stream, then
 *    polls and fetches its result on the session's GET stream: the call's stream stays silent
 *    until the tool answers;
 *  - `start_elicit_task` ({ ttl? }): makes the task and answers at once with it;
 *  - `client_request` ({ method, params? }): sends the client any request on the call's stream
 *    and reports the answer (a `tasks/*` request, or hostile params).
 */
export async function startClientTaskServer(): Promise<ClientTaskServer> {
  const servers: McpServer[] = [];
  const served = await serveSdkSessions(() => {
    const mcp = new McpServer({ name: 'client-tasks', version: '1.0.0' });
    servers.push(mcp);
    const tasks = mcp.server.experimental.tasks;
    const declared = () => mcp.server.getClientCapabilities()?.tasks?.requests;
    const taskOf = (ttl: number | undefined) => (ttl === undefined ? {} : { ttl });
    const ttlSchema = { ttl: z.number().optional() };

    mcp.registerTool('capabilities', {}, () =>
      toolReport({ capabilities: mcp.server.getClientCapabilities() ?? null }),
    );

    mcp.registerTool('elicit_as_task', { inputSchema: ttlSchema }, async ({ ttl }, extra) => {
      const options = { timeout: ANSWER_TIMEOUT_MS, relatedRequestId: extra.requestId };
      if (!declared()?.elicitation?.create) {
        const request = { method: 'elicitation/create', params: PROFILE_FORM } as const;
        const answer = await answerOf(() =>
          extra.sendRequest(request, ElicitResultSchema, options),
        );
        return toolReport({ asTask: false, statuses: [], answer });
      }
      const stream = tasks.elicitInputStream(PROFILE_FORM, { ...options, task: taskOf(ttl) });
      const report = await follow(stream, (taskId) =>
        tasks.getTaskResult(taskId, ElicitResultSchema, options),
      );
      return toolReport(report);
    });

    mcp.registerTool('sample_as_task', { inputSchema: ttlSchema }, async ({ ttl }, extra) => {
      const options = { timeout: ANSWER_TIMEOUT_MS, relatedRequestId: extra.requestId };
      if (!declared()?.sampling?.createMessage) {
        const answer = await answerOf(() => mcp.server.createMessage(SAMPLING, options));
        return toolReport({ asTask: false, statuses: [], answer });
      }
      const stream = tasks.createMessageStream(SAMPLING, { ...options, task: taskOf(ttl) });
      const report = await follow(stream, (taskId) =>
        tasks.getTaskResult(taskId, CreateMessageResultSchema, options),
      );
      return toolReport(report);
    });

    mcp.registerTool('elicit_task_quietly', { inputSchema: ttlSchema }, async ({ ttl }, extra) => {
      const request = { method: 'elicitation/create', params: PROFILE_FORM } as const;
      const { task } = await mcp.server.request(request, CreateTaskResultSchema, {
        timeout: ANSWER_TIMEOUT_MS,
        relatedRequestId: extra.requestId,
        task: taskOf(ttl),
      });
      // Polled on the GET stream (no related request): nothing more comes on the call's stream.
      const statuses: string[] = [];
      for (;;) {
        const polled = await tasks.getTask(task.taskId, { timeout: ANSWER_TIMEOUT_MS });
        statuses.push(polled.status);
        if (polled.status !== 'working') break;
        await new Promise((resolve) => setTimeout(resolve, polled.pollInterval ?? 100));
      }
      const answer = await answerOf(() =>
        tasks.getTaskResult(task.taskId, ElicitResultSchema, { timeout: ANSWER_TIMEOUT_MS }),
      );
      return toolReport({ asTask: true, created: task, statuses, answer });
    });

    mcp.registerTool('start_elicit_task', { inputSchema: ttlSchema }, async ({ ttl }, extra) => {
      const request = { method: 'elicitation/create', params: PROFILE_FORM } as const;
      const answer = await answerOf(() =>
        mcp.server.request(request, CreateTaskResultSchema, {
          timeout: ANSWER_TIMEOUT_MS,
          relatedRequestId: extra.requestId,
          task: taskOf(ttl),
        }),
      );
      return toolReport({ answer });
    });

    mcp.registerTool(
      'client_request',
      { inputSchema: { method: z.string(), params: z.record(z.string(), z.unknown()).optional() } },
      async ({ method, params }, extra) => {
        const request = { method, params } as unknown as Parameters<typeof extra.sendRequest>[0];
        const answer = await answerOf(() =>
          extra.sendRequest(request, z.looseObject({}), { timeout: ANSWER_TIMEOUT_MS }),
        );
        return toolReport({ answer });
      },
    );
    return mcp;
  });
  return {
    ...served,
    latest: () => {
      const server = servers.at(-1);
      if (!server) throw new Error('no session yet');
      return server;
    },
  };
}

/**
 * Follows the SDK's requestStream of a task to its end; for a task that did not complete (the
 * stream only says it failed), asks `tasks/result` what its request came to.
 */
async function follow<T extends Result>(
  stream: AsyncGenerator<ResponseMessage<T>>,
  fetchResult: (taskId: string) => Promise<unknown>,
): Promise<TaskRunReport> {
  const report: TaskRunReport = { asTask: true, statuses: [] };
  for await (const message of stream) {
    if (message.type === 'taskCreated') report.created = message.task;
    else if (message.type === 'taskStatus') report.statuses.push(message.task.status);
    else if (message.type === 'result') report.answer = { ok: true, result: message.result };
    else report.answer = { ok: false, code: message.error.code, message: message.error.message };
  }
  const { created } = report;
  if (created && report.answer?.ok === false) {
    report.taskResult = await answerOf(() => fetchResult(created.taskId));
  }
  return report;
}
