// A call that ends during the shutdown grace is still logged, counted and traced: the listeners
// stay subscribed, and the metrics registered, until the calls have drained. A scrape taken
// while the pod drains still answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFastMcpShutdownError } from '../../libs/fastmcp/src/errors/fastmcp-shutdown.error.js';
import { FASTMCP_METRICS_REGISTRY } from '../../libs/fastmcp/src/metrics/fastmcp-metrics.constants.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { until } from '../support/until.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

/** Refusals of tools/call `slow` the test has not let go yet. */
const heldRefusals: Array<() => void> = [];

/** tools/call `slow` is refused (400) once the test lets it go; `hang` never answers. */
function answer({ res, message }: ScriptedRequest): void {
  const params = message.params as { name?: string } | undefined;
  if (params?.name === 'hang') return;
  heldRefusals.push(() => res.writeHead(400, { 'content-type': 'text/plain' }).end('refused'));
}

describe('calls that end during the shutdown grace', () => {
  let server: ScriptedMcpServerHandle;
  let app: ClientTestApp;
  let logger: CapturingLogger;
  const registry = new Registry();

  beforeEach(async () => {
    server = await startScriptedMcpServer(answer);
    logger = new CapturingLogger();
    registry.clear();
    app = await startClientApp(
      {
        servers: { s: { url: server.url } },
        metrics: {},
        dlq: {},
        retry: { maxRetries: 0 },
        shutdownGraceMs: 2000,
      },
      logger,
      [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }],
    );
  });
  afterEach(async () => {
    await app.close();
    await server.close();
  });

  it('are logged and counted, and a scrape during the drain still answers', async () => {
    const slow = app.client.callToolWithRetry('s', 'slow', {}).catch((e: unknown) => e);
    await until(() => server.count('tools/call') === 1);
    const closed = app.close();
    await sleep(50);

    const duringDrain = await registry.metrics();
    expect(duringDrain).toMatch(/fastmcp_inflight_operations\{[^}]*operation="call_tool"[^}]*\} 1/);

    heldRefusals.splice(0).forEach((refuse) => refuse());
    const failure = await slow;
    const afterCall = await registry.metrics();
    await closed;

    expect(String(failure)).toContain('400');
    expect(afterCall).toMatch(
      /fastmcp_operations_total\{[^}]*operation="call_tool"[^}]*status="error"[^}]*\} 1/,
    );
    expect(logger.messages().some((line) => /call_tool failed.*400/s.test(line))).toBe(true);
  });

  it('log the call the grace ended, with the shutdown as its cause', async () => {
    await app.close();
    app = await startClientApp(
      {
        servers: { s: { url: server.url } },
        dlq: {},
        retry: { maxRetries: 0 },
        shutdownGraceMs: 200,
      },
      logger,
    );
    const hanging = app.client.callToolWithRetry('s', 'hang', {}).catch((e: unknown) => e);
    await until(() => server.count('tools/call') === 1);
    await app.close();
    const ended = await hanging;
    expect(isFastMcpShutdownError(ended), String(ended)).toBe(true);
    const failed = logger.messages().filter((line) => /call_tool failed/.test(line));
    expect(failed.some((line) => line.includes('200ms of grace'))).toBe(true);
  });
});
