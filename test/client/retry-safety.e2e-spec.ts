import { Test, type TestingModule } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  DlqReplayService,
  EnhancedFastMcpService,
  FASTMCP_METRICS_REGISTRY,
  type FastMcpError,
  isFastMcpError,
  FastMcpModule,
  isMcpDeliveryUnknownError,
  McpDeliveryUnknownError,
  ReplayConflictError,
} from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { FAST_RETRY, startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import {
  faults,
  type LoseAnswerFault,
  startFaultProxy,
  type FaultProxy,
} from '../support/fault-proxy.js';
import type { Fault } from '../support/fault-proxy.types.js';

/** A failure after which the call may have run: the server did the work, the answer is lost. */
interface AmbiguousFault {
  readonly name: string;
  /** The proxy loses the answer this way; absent: the tool is slower than requestTimeoutMs. */
  readonly lose?: LoseAnswerFault;
  /** What the McpDeliveryUnknownError's `cause` looks like. */
  readonly cause: Record<string, unknown>;
}

const AMBIGUOUS: AmbiguousFault[] = [
  {
    name: 'a 502 returned after the server ran the call',
    lose: faults.loseAnswer({ code: 502 }),
    cause: { name: 'McpHttpError', status: 502, message: 'HTTP 502' },
  },
  {
    name: 'a 504 returned after the server ran the call',
    lose: faults.loseAnswer({ code: 504 }),
    cause: { name: 'McpHttpError', status: 504 },
  },
  {
    // Envoy and Istio: the upstream reset after the request reached it. A 503, yet it may have run.
    name: "an Envoy 503 'reset before headers' (connection termination) after the server ran the call",
    lose: faults.loseAnswer({
      code: 503,
      text: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    }),
    cause: { name: 'McpHttpError', status: 503, delivery: 'unknown' },
  },
  {
    name: 'the answer stream cut after the server answered',
    lose: faults.loseAnswer(),
    cause: { name: 'McpTransportError', failure: 'stream_cut' },
  },
  {
    name: 'an attempt timeout while the tool runs at the server',
    cause: { name: 'McpTimeoutError', scope: 'attempt' },
  },
];
const REQUEST_TIMEOUT_MS = 400;
const SLOW_MS = 5000;

let server: CountingToolsServer;
let proxy: FaultProxy;

beforeAll(async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
});
afterEach(() => {
  proxy.clear();
  proxy.clearRequests();
  server.reset();
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const callsSeen = (tool: string): number =>
  proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call' && r.toolName === tool).length;
const arm = (fault: AmbiguousFault, tool: string): void => {
  if (fault.lose)
    proxy.inject({ match: { method: 'tools/call', toolName: tool }, fault: fault.lose });
  else server.slowNext(tool, SLOW_MS);
};

describe('tools/call after a failure that may have reached the server', () => {
  let app: ClientTestApp;
  let legacy: ClientTestApp;

  beforeAll(async () => {
    const url = proxy.url;
    const retry = { requestTimeoutMs: REQUEST_TIMEOUT_MS };
    app = await startClientApp({
      servers: {
        plain: { url },
        policy: { url, tools: { pay: { retry: 'always' } } },
        trusted: { url, trustToolAnnotations: true },
      },
      retry,
      dlq: false,
    });
    legacy = await startClientApp({
      servers: { plain: { url }, never: { url, tools: { pay: { retry: 'never' } } } },
      retry: { ...retry, ambiguousToolCalls: 'always' },
      dlq: false,
    });
    // Annotations count only once listed: list them, so that "untrusted" means ignored.
    await app.client.listToolsWithRetry('plain');
    await app.client.listToolsWithRetry('trusted');
  });
  afterAll(async () => {
    await app?.close();
    await legacy?.close();
  });

  describe.each(AMBIGUOUS)('after $name', (fault) => {
    const failsOnce = async (client: EnhancedFastMcpService, id: string, tool: string) => {
      arm(fault, tool);
      const error = await client.callToolWithRetry(id, tool, { id: 'a' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpDeliveryUnknownError);
      expect((error as McpDeliveryUnknownError).toolName).toBe(tool);
      expect((error as Error).cause).toMatchObject(fault.cause);
      expect(server.executions(tool)).toBe(1);
      expect(callsSeen(tool)).toBe(1);
    };
    const runsTwice = async (client: EnhancedFastMcpService, id: string, tool: string) => {
      arm(fault, tool);
      const result = await client.callToolWithRetry(id, tool, { id: 'b' });
      expect(result.content).toEqual([{ type: 'text', text: 'b' }]);
      expect(server.executions(tool)).toBe(2);
      expect(callsSeen(tool)).toBe(2);
    };

    it('an unannotated tool ran once and the call fails with McpDeliveryUnknownError', () =>
      failsOnce(app.client, 'plain', 'pay'));

    it("tools: { pay: { retry: 'always' } } re-sends it: it ran twice, the call succeeds", () =>
      runsTwice(app.client, 'policy', 'pay'));

    it.each(['upsert', 'lookup'])('%s (annotated) is re-sent on a trusted server', (tool) =>
      runsTwice(app.client, 'trusted', tool),
    );

    it.each(['upsert', 'lookup'])('%s (annotated) is not re-sent on an untrusted one', (tool) =>
      failsOnce(app.client, 'plain', tool),
    );

    it("retry.ambiguousToolCalls: 'always' re-sends the unannotated tool", () =>
      runsTwice(legacy.client, 'plain', 'pay'));

    it("a tool's own retry: 'never' wins over ambiguousToolCalls: 'always'", () =>
      failsOnce(legacy.client, 'never', 'pay'));

    it("a tool's own retry: 'never' wins over a call's ambiguousToolCalls: 'always' too", async () => {
      arm(fault, 'pay');
      const opts = { retry: { ambiguousToolCalls: 'always' as const } };
      const error = await legacy.client
        .callToolWithRetry('never', 'pay', { id: 'g' }, opts)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpDeliveryUnknownError);
      expect(server.executions('pay')).toBe(1);
    });

    // callTool has no retries, yet a caller's own retry loop must learn that the tool may have
    // run: the error keeps its type, marked delivery unknown.
    it('callTool (one attempt) fails with the failure itself, marked delivery unknown', async () => {
      arm(fault, 'pay');
      const error = await app.client.callTool('plain', 'pay', { id: 'd' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ ...fault.cause, delivery: 'unknown', operation: 'call_tool' });
      expect(server.executions('pay')).toBe(1);
    });

    it('callTool of a tool safe to repeat leaves the delivery as the failure had it', async () => {
      arm(fault, 'pay');
      const error = await app.client
        .callTool('policy', 'pay', { id: 'e' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject(fault.cause);
      expect((error as FastMcpError).delivery).not.toBe('not_delivered');
    });
  });

  it.each([503, 429])('re-sends pay after a %i the proxy answered in its stead', async (code) => {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(code) });
    const result = await app.client.callToolWithRetry('plain', 'pay', { id: 'c' });
    expect(result.content).toEqual([{ type: 'text', text: 'c' }]);
    expect(callsSeen('pay')).toBe(2);
    expect(server.executions('pay')).toBe(1);
  });
});

describe("the caller's abort", () => {
  let app: ClientTestApp;
  beforeAll(async () => {
    const url = proxy.url;
    app = await startClientApp({
      servers: { plain: { url }, policy: { url, tools: { pay: { retry: 'always' } } } },
      dlq: false,
    });
  });
  afterAll(() => app?.close());

  const abortedWhileRunning = async (id: string): Promise<FastMcpError> => {
    server.slowNext('pay', SLOW_MS);
    const controller = new AbortController();
    const call = app.client.callToolWithRetry(
      id,
      'pay',
      { id: 'f' },
      { signal: controller.signal },
    );
    await expect.poll(() => server.executions('pay'), { timeout: 5000 }).toBe(1);
    controller.abort();
    return (await call.catch((e: unknown) => e)) as FastMcpError;
  };

  it('while a tool not safe to repeat runs says it may have run: McpAbortedError, delivery unknown', async () => {
    const error = await abortedWhileRunning('plain');
    expect(error).toMatchObject({
      name: 'McpAbortedError',
      delivery: 'unknown',
      message: 'operation aborted by the caller after its request was sent (it may have run)',
    });
    expect(server.executions('pay')).toBe(1);
  });

  it('of a tool the caller lets repeat stays a plain abort', async () => {
    const error = await abortedWhileRunning('policy');
    expect(error).toMatchObject({
      name: 'McpAbortedError',
      message: 'operation aborted by the caller',
    });
    expect(error.delivery).toBeUndefined();
  });

  it('before anything was sent stays a plain abort', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = (await app.client
      .callToolWithRetry('plain', 'pay', {}, { signal: controller.signal })
      .catch((e: unknown) => e)) as FastMcpError;
    expect(error).toMatchObject({
      name: 'McpAbortedError',
      message: 'operation aborted by the caller',
    });
    expect(error.delivery).toBeUndefined();
    expect(server.executions('pay')).toBe(0);
  });
});

describe('a call withheld from retry: the DLQ entry, the log line and the metric', () => {
  let moduleRef: TestingModule;
  let client: EnhancedFastMcpService;
  let dlq: DeadLetterQueueService;
  const registry = new Registry();
  const logger = new CapturingLogger();

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRoot({
          servers: { plain: { url: proxy.url } },
          retry: FAST_RETRY,
          dlq: { spillFile: false },
          extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }],
        }),
      ],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    client = moduleRef.get(EnhancedFastMcpService);
    dlq = moduleRef.get(DeadLetterQueueService);
  });
  afterAll(async () => {
    await moduleRef?.close();
  });

  const withheldLines = (): string[] =>
    logger.lines
      .filter((l) => l.level === 'warn' && l.message.startsWith('Retry withheld'))
      .map((l) => l.message);
  const deliveryUnknownSeries = async (): Promise<string[]> =>
    (await registry.metrics())
      .split('\n')
      .filter((line) => line.startsWith('fastmcp_delivery_unknown_total{'));

  it('dead-letters it as deliveryUnknown; replay needs force; one WARN line, one count', async () => {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.loseAnswer({ code: 502 }) });
    const error = await client
      .callToolWithRetry('plain', 'pay', { id: 'order-1' })
      .catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    const { items } = await dlq.list();
    expect(items).toHaveLength(1);
    const [entry] = items;
    expect(entry).toMatchObject({
      clientId: 'plain',
      toolName: 'pay',
      arguments: { id: 'order-1' },
      errorClass: 'delivery_unknown',
      deliveryUnknown: true,
      status: 'dead',
    });

    const refused = await moduleRef
      .get(DlqReplayService)
      .replay(entry.id)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ReplayConflictError);
    expect((refused as Error).message).toMatch(/delivery unknown.*replay it with force/);
    expect(callsSeen('pay')).toBe(1);
    expect(server.executions('pay')).toBe(1);
    expect(await dlq.get(entry.id)).toMatchObject({ status: 'dead', deliveryUnknown: true });

    const replayed = await moduleRef.get(DlqReplayService).replay(entry.id, { force: true });
    expect(replayed).toMatchObject({ id: entry.id, result: { content: [{ text: 'order-1' }] } });
    expect(server.executions('pay')).toBe(2);
    expect(await dlq.get(entry.id)).toBeNull();

    expect(withheldLines()).toEqual([
      'Retry withheld for call_tool (tool: pay, delivery unknown after HTTP 502)',
    ]);
    expect(await deliveryUnknownSeries()).toEqual([
      'fastmcp_delivery_unknown_total{operation="call_tool"} 1',
    ]);
  });
});

describe('a tools/call answered, then failed for good: the dead letter says it may have run', () => {
  let app: ClientTestApp;

  beforeAll(async () => {
    app = await startClientApp({
      servers: {
        plain: { url: proxy.url },
        repeatable: { url: proxy.url, tools: { pay: { retry: 'always' } } },
      },
      dlq: {},
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const ranThenFailed = [
    {
      name: 'a 524 (not retried) after the server ran the call',
      fault: faults.loseAnswer({ code: 524 }),
      error: { name: 'McpHttpError', status: 524 },
      errorClass: 'http_524',
    },
    {
      name: 'a result that is not valid MCP',
      fault: faults.loseAnswer({
        answer: (id) => ({ jsonrpc: '2.0', id, result: { content: 'not-an-array' } }),
      }),
      error: { name: 'McpProtocolError', code: -32603 },
      errorClass: 'protocol_-32603',
    },
    {
      name: 'a JSON-RPC internal error',
      fault: faults.loseAnswer({
        answer: (id) => ({ jsonrpc: '2.0', id, error: { code: -32603, message: 'commit failed' } }),
      }),
      error: { name: 'McpProtocolError', code: -32603 },
      errorClass: 'protocol_-32603',
    },
  ];

  let calls = 0;
  /** Calls `pay` on `clientId` through `fault`: the call's error and its dead letter. */
  async function failedCall(clientId: string, fault: Fault) {
    proxy.inject({ match: { method: 'tools/call' }, fault, times: 1 });
    calls += 1;
    const id = `order-${calls}`;
    const error = await app.client
      .callToolWithRetry(clientId, 'pay', { id })
      .catch((e: unknown) => e);
    const { items } = await app.moduleRef.get(DeadLetterQueueService).list({ limit: 100 });
    const entry = items.find((item) => item.clientId === clientId && item.arguments?.id === id);
    if (!entry) throw new Error(`no dead letter for ${id}`);
    return { error, entry };
  }

  it.each(ranThenFailed)(
    '$name: delivery unknown on the error and the entry; replay needs force',
    async ({ fault, error: expected, errorClass }) => {
      const { error, entry } = await failedCall('plain', fault);
      expect(error).toMatchObject({ ...expected, delivery: 'unknown', operation: 'call_tool' });
      expect(server.executions('pay')).toBe(1);
      expect(entry).toMatchObject({ toolName: 'pay', errorClass, deliveryUnknown: true });

      const refused = await app.moduleRef
        .get(DlqReplayService)
        .replay(entry.id)
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ReplayConflictError);
      expect(server.executions('pay')).toBe(1);
    },
  );

  it.each(ranThenFailed)(
    '$name, for a tool allowed to run again: the entry is not marked',
    async ({ fault, errorClass }) => {
      const { entry } = await failedCall('repeatable', fault);
      expect(entry).toMatchObject({ toolName: 'pay', errorClass });
      expect(entry.deliveryUnknown).toBeUndefined();
    },
  );

  it.each([
    {
      name: 'a JSON-RPC refusal (invalid params)',
      fault: faults.loseAnswer({
        answer: (id) => ({ jsonrpc: '2.0', id, error: { code: -32602, message: 'no such tool' } }),
      }),
      errorClass: 'protocol_-32602',
    },
    { name: 'a 400', fault: faults.status(400), errorClass: 'http_400' },
  ])('$name is a refusal: the entry is not marked', async ({ fault, errorClass }) => {
    const { error, entry } = await failedCall('plain', fault);
    expect(isFastMcpError(error)).toBe(true);
    expect((error as FastMcpError).delivery).not.toBe('unknown');
    expect(entry).toMatchObject({ toolName: 'pay', errorClass });
    expect(entry.deliveryUnknown).toBeUndefined();
  });
});
