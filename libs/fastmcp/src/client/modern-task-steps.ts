import type { FastMcpError, FastMcpErrorFields } from '../errors/fastmcp.error.js';
import { isRecord } from '../dlq/core/dlq-capping.js';
import { McpInputRequiredError } from '../errors/mcp-input-required.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { MAX_INPUT_ROUNDS } from '../session/modern-connection.js';
import type { UpstreamText } from '../transport/upstream-text.js';
import type { TaskSteps } from './task-polling.js';
import { taskStateOf } from './tool-task.js';

/**
 * The 2026-07-28 tasks extension's way, for one task: `tasks/get`, whose answer carries the end
 * (a `completed` task's `result`, a `failed` one's JSON-RPC `error`). A task that needs input
 * names its `inputRequests`: the handlers answer each key once (a key seen again on a later poll
 * is not asked again, as the extension advises) and `tasks/update` sends the answers, again after
 * a failed update, until the server took them. At most `MAX_INPUT_ROUNDS` rounds of new keys.
 */
export function pollInlineResult(
  answerInput: (result: Record<string, unknown>) => Promise<Record<string, unknown>>,
): TaskSteps {
  const answers = new Map<string, unknown>();
  const delivered = new Set<string>();
  let rounds = 0;
  return async (task, channel, run) => {
    const polled = await channel.request('tasks/get', { taskId: task.taskId });
    const next = taskStateOf(polled, run.clientId, channel.upstream);
    const fields = { clientId: run.clientId, operation: run.operation };
    switch (next.status) {
      case 'completed':
        return { result: resultOf(polled, fields) };
      case 'failed':
        return { failure: executionError(polled.error, channel.upstream, fields) };
      case 'cancelled':
        return { failure: new McpProtocolError(-32603, 'the server cancelled the task', fields) };
      case 'working':
        return { task: next };
      case 'input_required':
        break;
    }
    const asked = requestsOf(polled.inputRequests, fields);
    const fresh = Object.keys(asked).filter((key) => !answers.has(key) && !delivered.has(key));
    if (fresh.length > 0) {
      rounds += 1;
      if (rounds > MAX_INPUT_ROUNDS) {
        const message = `the task still needs input after ${MAX_INPUT_ROUNDS} rounds`;
        throw new McpInputRequiredError('too_many_rounds', message, fields);
      }
      const inputRequests = Object.fromEntries(fresh.map((key) => [key, asked[key]]));
      const { inputResponses } = await answerInput({ inputRequests });
      for (const [key, value] of Object.entries(inputResponses as Record<string, unknown>)) {
        answers.set(key, value);
      }
    }
    if (answers.size > 0) {
      const inputResponses = Object.fromEntries(answers);
      await channel.request('tasks/update', { taskId: task.taskId, inputResponses });
      for (const key of answers.keys()) delivered.add(key);
      answers.clear();
    }
    // Working again once the server took the answers: polled after the interval.
    return { task: { ...next, status: 'working' } };
  };
}

/** A `completed` task's `result`: what the `tools/call` would have returned. */
function resultOf(
  polled: Record<string, unknown>,
  fields: FastMcpErrorFields,
): Record<string, unknown> {
  const { result } = polled;
  if (isRecord(result)) return result;
  throw new McpProtocolError(-32603, 'the completed task has no result', fields);
}

/** A `failed` task's JSON-RPC `error`, as the error it is (scrubbed, as any server's words). */
function executionError(
  error: unknown,
  upstream: UpstreamText,
  fields: FastMcpErrorFields,
): FastMcpError {
  const rpc = isRecord(error) ? error : {};
  const code = typeof rpc.code === 'number' && Number.isInteger(rpc.code) ? rpc.code : -32603;
  const text = typeof rpc.message === 'string' ? upstream.excerpt(rpc.message, 500) : '';
  return new McpProtocolError(code, `the task failed: ${text || 'no error given'}`, fields);
}

/** The `inputRequests` of a task that needs input: an object of requests by key. */
function requestsOf(inputRequests: unknown, fields: FastMcpErrorFields): Record<string, unknown> {
  if (isRecord(inputRequests)) return inputRequests;
  throw new McpInputRequiredError(
    'invalid',
    'the task needs input but names no inputRequests',
    fields,
  );
}
