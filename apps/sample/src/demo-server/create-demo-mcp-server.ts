import { type InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerDemoContent } from './demo-content.js';
import { type DemoCounter } from './demo-counter.js';
import { registerDemoTools } from './demo-tools.js';
import { type FlakyGate } from './flaky-gate.js';
import { installToolsPagination } from './tools-pagination.js';

/** How each new McpServer (one per session, or per request when stateless) is built. */
export interface DemoMcpServerBlueprint {
  readonly flakyGate: FlakyGate;
  readonly counter: DemoCounter;
  readonly extraTools: number;
  readonly toolsPageSize: number;
  /** Shared by every session's server: a task is found by the session that started it. */
  readonly taskStore: InMemoryTaskStore;
}

export function createDemoMcpServer(blueprint: DemoMcpServerBlueprint): McpServer {
  const capabilities = {
    resources: { subscribe: true },
    tasks: { requests: { tools: { call: {} } }, list: {}, cancel: {} },
  };
  const mcp = new McpServer(
    { name: 'demo-mcp-server', version: '1.0.0' },
    { capabilities, taskStore: blueprint.taskStore },
  );
  const tools = registerDemoTools(mcp, blueprint);
  if (blueprint.toolsPageSize > 0) installToolsPagination(mcp, tools, blueprint.toolsPageSize);
  registerDemoContent(mcp);
  blueprint.counter.register(mcp);
  return mcp;
}
