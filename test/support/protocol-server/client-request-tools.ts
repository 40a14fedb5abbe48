import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  EmptyResultSchema,
  ListRootsResultSchema,
  type CreateMessageRequest,
  type ElicitRequestFormParams,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { answerOf, toolReport } from './tool-report.js';

/** How long a tool waits for the client to answer its request (the SDK's default is 60 s). */
export const CLIENT_ANSWER_TIMEOUT_MS = 5000;

/** The form `elicit_profile` asks for: `name` is required, the others have defaults (SEP-1034). */
export const PROFILE_FORM: ElicitRequestFormParams = {
  mode: 'form',
  message: 'Who are you?',
  requestedSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', title: 'Name' },
      age: { type: 'integer', minimum: 0, default: 30 },
      newsletter: { type: 'boolean', default: true },
      color: { type: 'string', enum: ['red', 'green', 'blue'], default: 'blue' },
    },
    required: ['name'],
  },
};

/**
 * Tools that send a request to the client on their POST's SSE stream (through `extra`, so the
 * request is related to the call) and report what came back, with the client capability the
 * server saw in `initialize`. They send the request whatever the capability says, so a client
 * that declares nothing can be seen answering -32601. `elicit_profile` waits `waitMs` for the
 * answer when given (then answers with the timeout error, -32001); with `closeStream` it first
 * closes its SSE stream, so its request reaches the client only on a resumed stream.
 */
export function registerClientRequestTools(mcp: McpServer): void {
  const capabilities = () => mcp.server.getClientCapabilities() ?? {};
  const options = { timeout: CLIENT_ANSWER_TIMEOUT_MS };

  mcp.registerTool(
    'elicit_profile',
    {
      description: 'Asks the user for a profile (elicitation/create) and reports the answer',
      inputSchema: {
        waitMs: z.number().int().positive().optional(),
        closeStream: z.boolean().optional(),
      },
    },
    async ({ waitMs, closeStream }, extra) => {
      if (closeStream) extra.closeSSEStream?.();
      const request = { method: 'elicitation/create', params: PROFILE_FORM } as const;
      const timeout = { timeout: waitMs ?? CLIENT_ANSWER_TIMEOUT_MS };
      const answer = await answerOf(() => extra.sendRequest(request, ElicitResultSchema, timeout));
      return toolReport({ capability: capabilities().elicitation ?? null, answer });
    },
  );

  mcp.registerTool(
    'sample_text',
    {
      description: 'Asks the client for a completion (sampling/createMessage) and reports it',
      inputSchema: { prompt: z.string() },
    },
    async ({ prompt }, extra) => {
      const request: CreateMessageRequest = {
        method: 'sampling/createMessage',
        params: {
          messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
          maxTokens: 64,
        },
      };
      const answer = await answerOf(() =>
        extra.sendRequest(request, CreateMessageResultSchema, options),
      );
      return toolReport({ capability: capabilities().sampling ?? null, answer });
    },
  );

  mcp.registerTool(
    'sample_with_tools',
    {
      description:
        "Asks for a completion that may call a tool (SEP-1577) through the SDK's createMessage, which refuses unless the client declared sampling.tools",
    },
    async (extra) => {
      const answer = await answerOf(() =>
        mcp.server.createMessage(
          {
            messages: [{ role: 'user', content: { type: 'text', text: 'weather?' } }],
            maxTokens: 64,
            tools: [{ name: 'get_weather', inputSchema: { type: 'object', properties: {} } }],
          },
          { ...options, relatedRequestId: extra.requestId },
        ),
      );
      return toolReport({ capability: capabilities().sampling ?? null, answer });
    },
  );

  mcp.registerTool(
    'list_roots',
    { description: 'Asks the client for its roots (roots/list) and reports them' },
    async (extra) => {
      const request = { method: 'roots/list' } as const;
      const answer = await answerOf(() =>
        extra.sendRequest(request, ListRootsResultSchema, options),
      );
      return toolReport({ capability: capabilities().roots ?? null, answer });
    },
  );

  mcp.registerTool(
    'ping_then_answer',
    { description: 'Pings the client in the middle of the call, then answers' },
    async (extra) => {
      const started = Date.now();
      const answer = await answerOf(() =>
        extra.sendRequest({ method: 'ping' }, EmptyResultSchema, options),
      );
      return toolReport({ answer, pingMs: Date.now() - started });
    },
  );
}
