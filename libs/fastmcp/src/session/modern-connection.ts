import { isMcpTransportError } from '../errors/mcp-transport.error.js';
import {
  isMcpUnsupportedVersionError,
  type McpUnsupportedVersionError,
} from '../errors/mcp-unsupported-version.error.js';
import { isFastMcpError } from '../errors/fastmcp.error.js';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { McpInputRequiredError } from '../errors/mcp-input-required.error.js';
import { McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { type ParamHeader, paramHeaders, scanParamHeaders } from '../protocol/mcp-param-headers.js';
import { MAX_ANSWERING_PER_STREAM } from '../protocol/server-request-limit.js';
import { HEADER_MISMATCH, isLegacyAnswer, typedModernError } from '../protocol/modern-errors.js';
import { type ClientEnvelope, standardHeaders, withEnvelope } from '../protocol/modern-envelope.js';
import { resultTypeOf } from '../protocol/result-type.js';
import type { ServerMessageDispatcher } from '../protocol/server-message.dispatcher.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { ExchangeOptions } from '../transport/exchange-options.interface.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';
import type { McpHttpTransport } from '../transport/mcp-http.transport.js';
import { eraChanged } from './era-changed.js';
import type { McpConnection, ToolRouting } from './mcp-connection.interface.js';
import type { McpSession } from './mcp-session.interface.js';
import { withDelivery } from '../retry/with-delivery.js';
import { raceSignal } from './race-signal.js';
import { jsonRpcRequest } from '../transport/jsonrpc.js';

/** Rounds of `input_required` one request may take before the client gives up. */
export const MAX_INPUT_ROUNDS = 8;

/**
 * Input requests one `input_required` round may carry: as many as a 2025 stream has answered at
 * once. A server asks for a few things per round; thousands would run thousands of handlers.
 */
export const MAX_INPUT_REQUESTS_PER_ROUND = MAX_ANSWERING_PER_STREAM;

/**
 * A call's routing, and whether its tool may run twice (the operation's `safeToRepeat`). Absent:
 * not known to be safe.
 */
/** What a modern connection needs besides the transport. */
export interface ModernConnectionDeps {
  transport: McpHttpTransport;
  dispatcher: ServerMessageDispatcher;
  client: ClientEnvelope;
  /** The modern revisions this client offers, preferred first. */
  versions: readonly string[];
  /**
   * The 2025 revisions it may fall back to when a -32022 names only those (none when a revision
   * is pinned): the request goes again, in the 2025 era.
   */
  legacyVersions: readonly string[];
}

/**
 * A 2026-07-28 connection: no session; every request carries the `_meta` envelope and the
 * standard headers, its `input_required` rounds are answered by the handlers, and the modern
 * errors get their prescribed handling (-32022: another version once; -32020: refresh the tool,
 * then once more, unless the call may have run and is not safe to repeat).
 */
export class ModernConnection implements McpConnection {
  private current: HttpTarget;
  /** Each listed tool's `x-mcp-header` declarations, scanned once. */
  private readonly declared = new WeakMap<Tool, ParamHeader[]>();

  constructor(
    private readonly deps: ModernConnectionDeps,
    readonly session: McpSession,
    target: HttpTarget,
  ) {
    this.current = target;
  }

  get target(): HttpTarget {
    return this.current;
  }

  async request(
    method: string,
    params: Record<string, unknown> | undefined,
    run: RetryRun,
    exchange: ExchangeOptions = {},
    routing: ToolRouting = {},
  ): Promise<Record<string, unknown>> {
    let tool = routing.tool;
    let versionSwitched = false;
    let refreshed = false;
    // A retry goes on from the round that failed: those answered before it ran.
    const rounds = routing.rounds ?? { answered: 0 };
    for (;;) {
      const input = rounds.next ?? {};
      const version = this.current.protocolVersion ?? this.deps.versions[0];
      // Object.assign, not spreads: on Node 20 a spread followed by keys costs about 1.5 us a key.
      const body = withEnvelope(Object.assign({}, params, input), version, this.deps.client);
      const headers = Object.assign(
        standardHeaders(method, body, version),
        this.paramHeadersOf(tool, params),
      );
      let result: Record<string, unknown>;
      try {
        ({ result } = await this.deps.transport.request(
          this.current,
          method,
          body,
          run,
          Object.assign({}, exchange, { headers }),
        ));
      } catch (error) {
        if (isLegacyAnswer(error)) {
          throw eraChanged(error, run, this.current.protocolVersion ?? 'the modern era');
        }
        const typed = typedModernError(error, this.deps.versions, run.clientId);
        if (isMcpUnsupportedVersionError(typed) && !versionSwitched) {
          const next = this.commonVersion(typed);
          if (next && next !== version) {
            if (!mayResend(error, method, run, routing)) {
              throw run.withheld(typed);
            }
            versionSwitched = true;
            this.current = { ...this.current, protocolVersion: next };
            continue;
          }
          if (!next && this.speaksLegacyOf(typed) && mayResend(error, method, run, routing)) {
            // As a lost session: the connection is made again, in the 2025 era (see
            // McpConnector.failed), and the refused request re-issued there.
            throw eraChanged(typed, run, version);
          }
        }
        if (isMcpProtocolError(typed) && typed.code === HEADER_MISMATCH && routing.refreshTool) {
          if (!mayResend(error, method, run, routing)) {
            throw run.withheld(typed);
          }
          if (refreshed) throw answeredRefusal(typed, error, method, run);
          refreshed = true;
          tool = await routing.refreshTool();
          continue;
        }
        throw answeredRefusal(typed, error, method, run);
      }
      const fields = { clientId: run.clientId, operation: run.operation };
      // A task handle (the tasks extension) is followed by the operation, as a 2025 task is.
      if (resultTypeOf(result, method, this.current, fields) !== 'input_required') return result;
      rounds.answered += 1;
      if (rounds.answered >= MAX_INPUT_ROUNDS) {
        throw new McpInputRequiredError(
          'too_many_rounds',
          `${method} still needs input after ${rounds.answered} rounds`,
          fields,
        );
      }
      rounds.next = await this.answerInput(result, run);
    }
  }

  /** True when a failure means this connection must be negotiated again. */
  isBroken(error: unknown): boolean {
    return (
      isMcpUnsupportedVersionError(error) ||
      (isMcpTransportError(error) && error.failure !== 'stream_cut')
    );
  }

  async end(): Promise<void> {
    // Nothing lives on the server between requests: there is nothing to end.
  }

  /**
   * Tells the server to stop a task (the tasks extension), in the background: best effort, and
   * nothing waits for it.
   */
  cancelTask(taskId: string): void {
    const version = this.current.protocolVersion ?? this.deps.versions[0];
    const body = withEnvelope({ taskId }, version, this.deps.client);
    const message = jsonRpcRequest(`cancel-${taskId}`, 'tasks/cancel', body);
    const headers = standardHeaders('tasks/cancel', body, version);
    void this.deps.transport
      .send(this.current, message, undefined, undefined, { headers })
      .catch(() => undefined);
  }

  /**
   * The `inputResponses` (and the exact `requestState`) of the next round, from the handlers: of
   * an `input_required` result, or of a task that needs input (its `inputRequests` alone).
   */
  async answerInput(
    result: Record<string, unknown>,
    run: RetryRun,
  ): Promise<Record<string, unknown>> {
    const { inputRequests, requestState } = result;
    const fields = { clientId: run.clientId, operation: run.operation };
    if (requestState !== undefined && typeof requestState !== 'string') {
      throw new McpInputRequiredError('invalid', 'requestState is not a string', fields);
    }
    const requests =
      typeof inputRequests === 'object' && inputRequests !== null ? inputRequests : undefined;
    if (!requests && requestState === undefined) {
      throw new McpInputRequiredError('invalid', 'neither inputRequests nor requestState', fields);
    }
    if (requests && Object.keys(requests).length > MAX_INPUT_REQUESTS_PER_ROUND) {
      throw new McpInputRequiredError(
        'invalid',
        `more than ${MAX_INPUT_REQUESTS_PER_ROUND} input requests in one round`,
        fields,
      );
    }
    const next: Record<string, unknown> = {};
    if (requestState !== undefined) next.requestState = requestState;
    if (!requests) return next;
    // Aborted however the round ends, so a sibling of a failed handler stops at once.
    const round = new AbortController();
    const signal = AbortSignal.any([
      run.callSignal,
      AbortSignal.timeout(Math.max(run.deadline - run.now(), 0)),
      round.signal,
    ]);
    try {
      next.inputResponses = await raceSignal(
        this.deps.dispatcher.answerInputRequests(
          requests as Record<string, unknown>,
          { clientId: run.clientId, signal },
          new UpstreamText(this.current),
        ),
        signal,
        () =>
          run.aborted
            ? new McpAbortedError({ ...fields, cause: run.abortReason })
            : new McpTimeoutError('budget', run.deadline - run.startedAt, fields),
      );
    } finally {
      round.abort();
    }
    return next;
  }

  private paramHeadersOf(
    tool: ToolRouting['tool'],
    params: Record<string, unknown> | undefined,
  ): Record<string, string> {
    if (!tool) return {};
    let declared = this.declared.get(tool);
    if (!declared) {
      const scan = scanParamHeaders(tool.inputSchema);
      declared = scan.valid ? scan.headers : [];
      this.declared.set(tool, declared);
    }
    if (declared.length === 0) return {};
    return paramHeaders(declared, params?.arguments as Record<string, unknown> | undefined);
  }

  private speaksLegacyOf(error: McpUnsupportedVersionError): boolean {
    return this.deps.legacyVersions.some((version) => error.serverVersions.includes(version));
  }

  private commonVersion(error: McpUnsupportedVersionError): string | undefined {
    return this.deps.versions.find((version) => error.serverVersions.includes(version));
  }
}

/**
 * Whether a request the server refused may be sent again as is. Only an HTTP error answer is a
 * refusal before the tool ran; the same error inside a 200 (after progress, say) may come from a
 * tool that ran, and only a call the run's rule lets repeat is sent again.
 */
function mayResend(error: unknown, method: string, run: RetryRun, routing: ToolRouting): boolean {
  return isMcpHttpError(error) || method !== 'tools/call' || mayRepeat(run, routing);
}

/**
 * The error a refused request ends with: inside a 200, a tools/call's refusal may come from a
 * tool that ran, so its delivery is unknown (the DLQ marks it; a replay needs `force`).
 */
function answeredRefusal(typed: unknown, error: unknown, method: string, run: RetryRun): unknown {
  if (isMcpHttpError(error) || method !== 'tools/call' || !isFastMcpError(typed)) return typed;
  return withDelivery(typed, 'unknown', run.operation);
}

/** Whether the run's rule lets a call that may have run be sent again. */
function mayRepeat(run: RetryRun, routing: ToolRouting): boolean {
  return routing.safeToRepeat?.(run.policy.ambiguousToolCalls) === true;
}
