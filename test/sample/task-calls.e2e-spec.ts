// The sample's tool call route with a server whose tools run as tasks (official SDK 1.x with the
// SDK's task store): a required one runs as a task by itself, an optional one with "task": true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskToolsServer, type TaskToolsServer } from '../support/task-tools-server.js';
import {
  bodyOf,
  type SampleTestApp,
  serversEnv,
  startSampleApp,
} from './support/sample-test-app.js';

describe('sample tool calls that run as tasks', () => {
  let server: TaskToolsServer;
  let sample: SampleTestApp;

  beforeAll(async () => {
    server = await startTaskToolsServer();
    sample = await startSampleApp({ FASTMCP_SERVERS: serversEnv('jobs', server.url) });
  });
  afterAll(async () => {
    await sample?.close();
    await server?.close();
  });

  const call = (tool: string, body: Record<string, unknown>) =>
    sample.http.post(`/mcp/clients/jobs/tools/${tool}/call`).set(sample.auth).send(body);

  it('runs a required task tool, and an optional one as a task when the body asks', async () => {
    const report = await call('report', { arguments: { ms: 50, label: 'z' } }).expect(200);
    expect(bodyOf(report).content).toEqual([{ type: 'text', text: 'report z' }]);
    const gets = () => server.methods.filter((method) => method === 'tasks/get').length;
    const before = gets();
    await call('export', { arguments: { ms: 10, label: 'p' } }).expect(200);
    expect(gets()).toBe(before);
    const asTask = await call('export', { arguments: { ms: 50, label: 't' }, task: true });
    expect(asTask.status).toBe(200);
    expect(bodyOf(asTask).content).toEqual([{ type: 'text', text: 'export t' }]);
    expect(gets()).toBeGreaterThan(before);
    expect(server.runs.get('export')).toBe(2);
  });

  it('refuses a task flag that is not a boolean with a 400 naming it', async () => {
    const runs = server.runs.get('export') ?? 0;
    const response = await call('export', { arguments: { ms: 1 }, task: 'yes' }).expect(400);
    expect(JSON.stringify(bodyOf(response).message)).toContain('task');
    expect(server.runs.get('export') ?? 0).toBe(runs);
  });
});
