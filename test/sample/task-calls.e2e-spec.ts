// The sample's tool call route with a server whose tools run as tasks (official SDK 1.x with the
// SDK's task store): a required one runs as a task by itself, an optional one with "task": true;
// a call whose budget runs out names its task, which the task routes list and wait for. The
// sample's own demo server offers one such tool, `report`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
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

describe('sample task routes', () => {
  let server: TaskToolsServer;
  let sample: SampleTestApp;

  beforeAll(async () => {
    server = await startTaskToolsServer();
    sample = await startSampleApp({
      FASTMCP_SERVERS: serversEnv('jobs', server.url),
      FASTMCP_RETRY_TOTAL_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await sample?.close();
    await server?.close();
  });

  it('names the task a call left running; lists it, and waits for its result', async () => {
    // Connected and listed first, so the budget is the task's alone even on a loaded machine.
    await sample.http.get('/mcp/clients/jobs/tools').set(sample.auth).expect(200);
    const late = await sample.http
      .post('/mcp/clients/jobs/tools/report/call')
      .set(sample.auth)
      .send({ arguments: { ms: 3000, label: 'late' } });
    expect(late.status).toBe(504);
    const failure = bodyOf<{ code: string; taskId?: string }>(late);
    expect(failure.code).toBe('McpDeliveryUnknownError');
    const taskId = failure.taskId ?? '';
    expect(taskId).toMatch(/\w/);

    const listed = await sample.http.get('/mcp/clients/jobs/tasks').set(sample.auth).expect(200);
    expect(bodyOf(listed).tasks).toEqual([expect.objectContaining({ taskId, status: 'working' })]);
    const result = await sample.http
      .get(`/mcp/clients/jobs/tasks/${encodeURIComponent(taskId)}/result`)
      .set(sample.auth)
      .expect(200);
    expect(bodyOf(result).content).toEqual([{ type: 'text', text: 'report late' }]);
    expect(server.runs.get('report')).toBe(1);
  });

  it('answers a malformed task id with 400, an unknown one with 502, an unknown client with 404', async () => {
    const get = (path: string) => sample.http.get(path).set(sample.auth);
    const malformed = await get('/mcp/clients/jobs/tasks/bad%20id/result').expect(400);
    expect(JSON.stringify(bodyOf(malformed).message)).toContain('taskId');
    const unknown = await get('/mcp/clients/jobs/tasks/no-such-task/result').expect(502);
    expect(bodyOf(unknown)).toMatchObject({ code: 'McpProtocolError', clientId: 'jobs' });
    await get('/mcp/clients/nope/tasks').expect(404);
    await sample.http.get('/mcp/clients/jobs/tasks').expect(401);
  });
});

describe("the demo server's report tool, through the sample", () => {
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;

  beforeAll(async () => {
    demo = await startDemoMcpServer();
    sample = await startSampleApp({ FASTMCP_SERVERS: serversEnv('demo', demo.url) });
  });
  afterAll(async () => {
    await sample?.close();
    await demo?.close();
  });

  it('runs as a task when the body asks, and the task routes list it and give its result', async () => {
    const called = await sample.http
      .post('/mcp/clients/demo/tools/report/call')
      .set(sample.auth)
      .send({ arguments: { ms: 50, label: 'q3' }, task: true })
      .expect(200);
    expect(bodyOf(called).content).toEqual([{ type: 'text', text: 'report q3' }]);
    expect(demo.requestCounts()['tasks/result']).toBe(1);

    const listed = await sample.http.get('/mcp/clients/demo/tasks').set(sample.auth).expect(200);
    const tasks = bodyOf<{ tasks: Array<{ taskId: string; status: string }> }>(listed).tasks;
    expect(tasks).toEqual([expect.objectContaining({ status: 'completed' })]);
    const result = await sample.http
      .get(`/mcp/clients/demo/tasks/${encodeURIComponent(tasks[0].taskId)}/result`)
      .set(sample.auth)
      .expect(200);
    expect(bodyOf(result).content).toEqual([{ type: 'text', text: 'report q3' }]);
  });
});
