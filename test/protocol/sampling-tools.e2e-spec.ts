// Sampling with tools (SEP-1577): a server may send `tools` only to a client that declared
// `sampling.tools`. The module checked tool calls in an answer but never declared the capability,
// so the official SDK refused to send such a request and the handler never ran.
import type {
  CreateMessageRequest,
  CreateMessageResultWithTools,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';

const TOOL_CALL: CreateMessageResultWithTools = {
  role: 'assistant',
  content: [{ type: 'tool_use', id: 'call-1', name: 'get_weather', input: {} }],
  model: 'test-model',
  stopReason: 'toolUse',
};

describe('sampling with tools (official SDK server)', () => {
  let server: ProtocolSdkServerHandle | undefined;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  async function sampleWithTools(samplingTools: boolean | undefined) {
    server = await startProtocolSdkServer();
    const calls: CreateMessageRequest['params'][] = [];
    app = await startClientApp({
      servers: { s: { url: server.url } },
      dlq: false,
      handlers: {
        sampling: (params) => {
          calls.push(params);
          return structuredClone(TOOL_CALL);
        },
        samplingTools,
      },
    });
    const result = await app.client.callTool('s', 'sample_with_tools', {});
    return { report: result.structuredContent as Record<string, unknown>, calls };
  }

  it('with handlers.samplingTools, is declared: the handler gets the tools, its tool call goes back', async () => {
    const { report, calls } = await sampleWithTools(true);
    expect(report.capability).toEqual({ tools: {} });
    expect(calls.map((params) => params.tools?.map((tool) => tool.name))).toEqual([
      ['get_weather'],
    ]);
    expect(report.answer).toEqual({ ok: true, result: TOOL_CALL });
  });

  it('without it, is not declared, and the server sends no such request', async () => {
    const { report, calls } = await sampleWithTools(undefined);
    expect(report.capability).toEqual({});
    expect(calls).toEqual([]);
    expect(report.answer).toMatchObject({ ok: false });
  });
});
