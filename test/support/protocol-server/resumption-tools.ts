import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { abortableDelay } from '../../../apps/sample/src/demo-server/abortable-delay.js';
import type { ExecutionLog } from './execution-log.js';
import { toolReport } from './tool-report.js';

/**
 * `counted_work` counts its executions by `key` (to prove a resumed call ran once), then works
 * `workMs`, sending progress halfway and at the end when the call carried a progressToken.
 * With `closeStream` it first closes its POST's SSE stream (SEP-1699 polling: the client has
 * only the priming event's id and `retry`), so everything after reaches the client only
 * through a GET with Last-Event-ID.
 */
export function registerResumptionTools(mcp: McpServer, log: ExecutionLog): void {
  mcp.registerTool(
    'counted_work',
    {
      description: 'Counts its runs by key, optionally closes its SSE stream, works, answers',
      inputSchema: {
        key: z.string(),
        workMs: z.number().int().nonnegative(),
        closeStream: z.boolean().optional(),
      },
    },
    async ({ key, workMs, closeStream }, extra) => {
      const runs = log.run(key);
      if (closeStream) {
        if (!extra.closeSSEStream) {
          return { ...toolReport({ key, runs, error: 'stream not closable' }), isError: true };
        }
        extra.closeSSEStream();
        log.streamClosed(key);
      }
      const progressToken = extra._meta?.progressToken;
      for (const step of [1, 2]) {
        await abortableDelay(workMs / 2, extra.signal);
        if (progressToken === undefined) continue;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress: step, total: 2 },
        });
      }
      return toolReport({ key, runs });
    },
  );
}
