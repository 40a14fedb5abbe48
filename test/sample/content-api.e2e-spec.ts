// The sample's resource and prompt routes against its demo server (official SDK 1.x): each answers
// with what the server has, and bad input is a 4xx with a message, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import {
  bodyOf,
  type SampleTestApp,
  serversEnv,
  startSampleApp,
} from './support/sample-test-app.js';

describe('sample resources and prompts API', () => {
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;

  beforeAll(async () => {
    demo = await startDemoMcpServer({ flakyFailures: 0 });
    sample = await startSampleApp({ FASTMCP_SERVERS: serversEnv('demo', demo.url) });
  });
  afterAll(async () => {
    await sample?.close();
    await demo?.close();
  });

  it('lists the resources and the resource templates', async () => {
    const resources = await sample.http
      .get('/mcp/clients/demo/resources')
      .set(sample.auth)
      .expect(200);
    expect(bodyOf<{ resources: Array<{ uri: string }> }>(resources).resources).toEqual([
      expect.objectContaining({ uri: 'docs://readme', mimeType: 'text/markdown' }),
      expect.objectContaining({ uri: 'counter://hits', mimeType: 'text/plain' }),
    ]);
    const templates = await sample.http
      .get('/mcp/clients/demo/resource-templates')
      .set(sample.auth)
      .expect(200);
    expect(bodyOf(templates).resourceTemplates).toEqual([
      expect.objectContaining({ uriTemplate: 'users://{id}/profile' }),
    ]);
  });

  it('reads a resource by ?uri=, a template one too', async () => {
    const readme = await sample.http
      .get('/mcp/clients/demo/resources/read')
      .query({ uri: 'docs://readme' })
      .set(sample.auth)
      .expect(200);
    expect(bodyOf(readme).contents).toEqual([
      { uri: 'docs://readme', mimeType: 'text/markdown', text: '# Demo server' },
    ]);
    const profile = await sample.http
      .get('/mcp/clients/demo/resources/read')
      .query({ uri: 'users://alice/profile' })
      .set(sample.auth)
      .expect(200);
    expect(bodyOf(profile).contents).toEqual([
      { uri: 'users://alice/profile', text: JSON.stringify({ id: 'alice' }) },
    ]);
  });

  it('lists the prompts and fills one with its arguments', async () => {
    const prompts = await sample.http.get('/mcp/clients/demo/prompts').set(sample.auth).expect(200);
    expect(
      bodyOf<{ prompts: Array<{ name: string }> }>(prompts).prompts.map((p) => p.name),
    ).toEqual(['review']);
    const filled = await sample.http
      .post('/mcp/clients/demo/prompts/review/get')
      .set(sample.auth)
      .send({ arguments: { code: 'let x = 1', language: 'typescript' } })
      .expect(200);
    expect(bodyOf(filled).messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Review this typescript: let x = 1' } },
    ]);
  });

  it('refuses bad input with a 4xx and a message', async () => {
    const noUri = await sample.http
      .get('/mcp/clients/demo/resources/read')
      .set(sample.auth)
      .expect(400);
    expect(JSON.stringify(bodyOf(noUri).message)).toContain('uri');
    const extra = await sample.http
      .get('/mcp/clients/demo/resources/read')
      .query({ uri: 'docs://readme', depth: '2' })
      .set(sample.auth)
      .expect(400);
    expect(JSON.stringify(bodyOf(extra).message)).toContain('depth');
    const notStrings = await sample.http
      .post('/mcp/clients/demo/prompts/review/get')
      .set(sample.auth)
      .send({ arguments: { code: 7 } })
      .expect(400);
    expect(JSON.stringify(bodyOf(notStrings).message)).toContain('arguments.code');
    await sample.http.get('/mcp/clients/nope/prompts').set(sample.auth).expect(404, /nope/);
    await sample.http
      .post('/mcp/clients/demo/prompts/bad%20name/get')
      .set(sample.auth)
      .send({})
      .expect(400, /promptName/);
    await sample.http.get('/mcp/clients/demo/resources').expect(401);
  });
});
