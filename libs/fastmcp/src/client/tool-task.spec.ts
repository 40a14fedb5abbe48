import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { McpSession } from '../session/mcp-session.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { runsAsTask, taskStateOf as readTask } from './tool-task.js';

const session = (overrides: Partial<McpSession> = {}): McpSession => ({
  clientId: 'jobs',
  url: 'http://127.0.0.1/mcp',
  protocolVersion: '2025-11-25',
  era: 'legacy',
  serverInfo: { name: 's', version: '1' },
  capabilities: { tasks: { requests: { tools: { call: {} } } } },
  ...overrides,
});
const SECRET = 'key-0123456789abcdef';
const upstream = new UpstreamText({
  headers: { 'x-api-key': SECRET },
  url: 'http://127.0.0.1/mcp',
});
const taskStateOf = (value: unknown, clientId: string) => readTask(value, clientId, upstream);
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

  it('refuses a task id that carries a secret of the request, and never quotes it', () => {
    for (const taskId of [SECRET, `job-${SECRET}`, 'Bearer abcdefghijklmnop']) {
      let error: unknown;
      try {
        taskStateOf({ taskId, status: 'working' }, 'jobs');
      } catch (caught) {
        error = caught;
      }
      expect(String(error)).toMatch(/task id in the answer carries a credential/);
      expect(JSON.stringify(error) + String(error)).not.toContain(taskId);
    }
    expect(() => taskStateOf({ taskId: 't', status: `odd ${SECRET}` }, 'jobs')).toThrow(
      /unknown status odd \[REDACTED\]/,
    );
  });
});
