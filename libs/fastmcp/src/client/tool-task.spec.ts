import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { McpSession } from '../session/mcp-session.interface.js';
import { runsAsTask, taskStateOf } from './tool-task.js';

const session = (overrides: Partial<McpSession> = {}): McpSession => ({
  clientId: 'jobs',
  url: 'http://127.0.0.1/mcp',
  protocolVersion: '2025-11-25',
  era: 'legacy',
  serverInfo: { name: 's', version: '1' },
  capabilities: { tasks: { requests: { tools: { call: {} } } } },
  ...overrides,
});
const tool = (taskSupport?: 'required' | 'optional' | 'forbidden'): Tool => ({
  name: 'report',
  inputSchema: { type: 'object' },
  ...(taskSupport ? { execution: { taskSupport } } : {}),
});

describe('runsAsTask', () => {
  it('runs a required tool as a task, an optional one when asked, others never', () => {
    expect(runsAsTask(session(), tool('required'), undefined)).toBe(true);
    expect(runsAsTask(session(), tool('optional'), undefined)).toBe(false);
    expect(runsAsTask(session(), tool('optional'), true)).toBe(true);
    expect(runsAsTask(session(), tool('forbidden'), true)).toBe(false);
    expect(runsAsTask(session(), tool(), true)).toBe(false);
    expect(runsAsTask(session(), undefined, true)).toBe(false);
  });

  it('needs the server to offer task tool calls, on 2025-11-25', () => {
    expect(runsAsTask(session({ capabilities: {} }), tool('required'), true)).toBe(false);
    expect(runsAsTask(session({ protocolVersion: '2025-06-18' }), tool('required'), true)).toBe(
      false,
    );
    const modern = session({ era: 'modern', protocolVersion: '2026-07-28' });
    expect(runsAsTask(modern, tool('required'), true)).toBe(false);
  });
});

describe('taskStateOf', () => {
  it('reads the task, its poll interval kept within 50 ms and 30 s (1 s when absent)', () => {
    expect(taskStateOf({ taskId: 't1', status: 'working', pollInterval: 5 }, 'jobs')).toEqual({
      taskId: 't1',
      status: 'working',
      pollIntervalMs: 50,
    });
    expect(
      taskStateOf({ taskId: 't1', status: 'working', pollInterval: 1e9 }, 'jobs'),
    ).toMatchObject({ pollIntervalMs: 30_000 });
    expect(
      taskStateOf({ taskId: 't1', status: 'input_required', statusMessage: 'say' }, 'jobs'),
    ).toEqual({
      taskId: 't1',
      status: 'input_required',
      statusMessage: 'say',
      pollIntervalMs: 1000,
    });
  });

  it('refuses a task without an id or with an unknown status as McpProtocolError', () => {
    expect(() => taskStateOf({ status: 'working' }, 'jobs')).toThrow(/no taskId or status/);
    expect(() => taskStateOf({ taskId: 't', status: 'sleeping' }, 'jobs')).toThrow(
      /unknown status sleeping/,
    );
    expect(() => taskStateOf(undefined, 'jobs')).toThrow(/MCP error -32603/);
  });
});
