import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { abortableDelay } from '../../../apps/sample/src/demo-server/abortable-delay.js';
import { toolReport } from './tool-report.js';

/**
 * Tools that send notifications on their POST's SSE stream while they run:
 * - `progress_work` works `steps` x `intervalMs`, sending `notifications/progress` after each step
 *   when the call carried a progressToken and `notify` is not false;
 * - `log_message` sends `notifications/message` log lines, then answers.
 */
export function registerNotificationTools(mcp: McpServer): void {
  mcp.registerTool(
    'progress_work',
    {
      description: 'Works steps x intervalMs, reporting progress after each step',
      inputSchema: {
        steps: z.number().int().positive(),
        intervalMs: z.number().int().nonnegative(),
        notify: z.boolean().optional(),
      },
    },
    async ({ steps, intervalMs, notify }, extra) => {
      const progressToken = extra._meta?.progressToken;
      let sent = 0;
      for (let step = 1; step <= steps; step += 1) {
        await abortableDelay(intervalMs, extra.signal);
        if (progressToken === undefined || notify === false) continue;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress: step, total: steps, message: `step ${step}` },
        });
        sent += 1;
      }
      return toolReport({ steps, sent, progressToken: progressToken ?? null });
    },
  );

  mcp.registerTool(
    'log_message',
    {
      description: 'Sends log lines (notifications/message) to the client, then answers',
      inputSchema: { text: z.string() },
    },
    async ({ text }, extra) => {
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level: 'info', logger: 'protocol-server', data: text },
      });
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level: 'warning', data: { text, structured: true } },
      });
      return toolReport({ logged: 2 });
    },
  );
}
