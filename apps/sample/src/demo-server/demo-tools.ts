import { type McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { abortableDelay } from './abortable-delay.js';
import { registerReportTool } from './demo-task-tools.js';
import { COUNTER_URI, type DemoCounter } from './demo-counter.js';
import { type FlakyGate } from './flaky-gate.js';

/** A registered tool and its name, in registration order (what a paginated list walks). */
export type DemoToolEntry = readonly [name: string, tool: RegisteredTool];

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

/** Registers echo, add, slow, fail, flaky, bump, report and `extraTools` filler tools on `mcp`. */
export function registerDemoTools(
  mcp: McpServer,
  {
    flakyGate,
    counter,
    extraTools,
  }: { flakyGate: FlakyGate; counter: DemoCounter; extraTools: number },
): DemoToolEntry[] {
  const entries: DemoToolEntry[] = [];
  const keep = (name: string, tool: RegisteredTool): void => void entries.push([name, tool]);

  keep(
    'echo',
    mcp.registerTool(
      'echo',
      {
        description: 'Echoes the given text',
        inputSchema: { text: z.string() },
        annotations: { readOnlyHint: true },
      },
      ({ text: value }) => text(value),
    ),
  );
  keep(
    'add',
    mcp.registerTool(
      'add',
      {
        description: 'Adds two numbers',
        inputSchema: { a: z.number(), b: z.number() },
        outputSchema: { sum: z.number() },
        annotations: { readOnlyHint: true },
      },
      ({ a, b }) => ({ ...text(String(a + b)), structuredContent: { sum: a + b } }),
    ),
  );
  keep(
    'slow',
    mcp.registerTool(
      'slow',
      {
        description: 'Waits `ms` milliseconds, then answers done',
        inputSchema: { ms: z.number() },
      },
      async ({ ms }, extra) => {
        await abortableDelay(ms, extra.signal);
        return text('done');
      },
    ),
  );
  keep(
    'fail',
    mcp.registerTool('fail', { description: 'Always returns a tool error' }, () => ({
      ...text('intentional failure'),
      isError: true,
    })),
  );
  keep(
    'flaky',
    mcp.registerTool(
      'flaky',
      { description: 'Succeeds once the HTTP layer has answered 503 enough times' },
      () => text(`ok after ${flakyGate.failuresServed()} failures`),
    ),
  );
  keep(
    'bump',
    mcp.registerTool(
      'bump',
      { description: `Adds 1 to ${COUNTER_URI}; its subscribers hear of it` },
      () => text(String(counter.bump())),
    ),
  );
  keep('report', registerReportTool(mcp));
  for (let i = 0; i < extraTools; i += 1) {
    const name = `tool_${i}`;
    keep(
      name,
      mcp.registerTool(name, { description: `Filler tool ${i}` }, () => text(name)),
    );
  }
  return entries;
}
