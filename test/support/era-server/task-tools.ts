import {
  type CallToolResult,
  inputRequired,
  type InputRequiredResult,
  inputResponse,
  McpServer,
} from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import type { ToolRuns } from './era-tools.js';

const CONFIRM_SCHEMA = {
  type: 'object' as const,
  properties: { confirm: { type: 'boolean' as const } },
  required: ['confirm'],
};

/**
 * The tools behind the task adapter: `slow`, `needs_task` and `confirm` take `ms` of work (the
 * adapter may run them as tasks), `plain` answers at once. Each counts in `runs` when its work
 * starts; `confirm` only in the round that completes.
 */
export function buildTaskToolServer(runs: ToolRuns): McpServer {
  const server = new McpServer({ name: 'modern-task-server', version: '2.4.0' });
  const count = (name: string) => runs.set(name, (runs.get(name) ?? 0) + 1);
  const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
  server.registerTool(
    'slow',
    {
      description: 'Waits ms, then answers',
      inputSchema: z.object({ ms: z.number(), label: z.string().optional() }),
    },
    async ({ ms, label }, ctx) => {
      count('slow');
      await pause(ms, ctx.mcpReq.signal);
      return text(`slow ${label ?? ''}`.trim());
    },
  );
  server.registerTool(
    'needs_task',
    { description: 'Only runs as a task', inputSchema: z.object({ ms: z.number() }) },
    async ({ ms }, ctx) => {
      count('needs_task');
      await pause(ms, ctx.mcpReq.signal);
      return text('needed');
    },
  );
  server.registerTool(
    'confirm',
    { description: 'Asks to go ahead, then waits ms', inputSchema: z.object({ ms: z.number() }) },
    async ({ ms }, ctx): Promise<CallToolResult | InputRequiredResult> => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'confirm');
      if (answer.kind !== 'elicit') {
        return inputRequired({
          inputRequests: {
            confirm: inputRequired.elicit({
              message: 'Go ahead?',
              requestedSchema: CONFIRM_SCHEMA,
            }),
          },
          requestState: 'confirm-round-1',
        });
      }
      count('confirm');
      if (answer.action !== 'accept' || answer.content?.confirm !== true) return text('declined');
      await pause(ms, ctx.mcpReq.signal);
      return text('confirmed');
    },
  );
  server.registerTool('plain', { description: 'Answers at once' }, () => {
    count('plain');
    return text('plain');
  });
  return server;
}

/** Waits `ms`, or less if the request is aborted (a cancelled task). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
