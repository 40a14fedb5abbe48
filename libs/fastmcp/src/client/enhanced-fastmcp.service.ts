import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type {
  CallToolResult,
  CompleteResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Task,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { ServerAuthRegistry } from '../auth/server-auth.registry.js';
import { assertClientId } from '../dlq/core/dlq-input.validation.js';
import type { AttemptRecord, FailedOperation } from '../dlq/core/failed-operation.interface.js';
import { DlqValidationError } from '../errors/dlq-validation.error.js';
import type {
  OperationReplayer,
  ReplayOutcome,
} from '../dlq/replay/operation-replayer.interface.js';
import { isFastMcpError } from '../errors/fastmcp.error.js';
import { unexpectedFailure } from '../errors/unexpected-failure.js';
import { isRetryExhaustedError } from '../errors/retry-exhausted.error.js';
import { isUnknownClientError } from '../errors/unknown-client.error.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import { ServerPipelines } from '../pipeline/server-pipelines.js';
import { calculateBackoffWithJitter } from '../retry/backoff.js';
import { classifyError } from '../retry/classify-error.js';
import { endedDeliveryUnknown } from '../retry/delivery.js';
import { RetryPolicies } from '../retry/retry-policies.js';
import { McpConnector } from '../session/mcp-connector.js';
import type { McpSession } from '../session/mcp-session.interface.js';
import { McpHttpTransport } from '../transport/mcp-http.transport.js';
import type { CallOptions } from './call-options.interface.js';
import { assertCallOptions } from './call-input.validation.js';
import { OperationRunner } from './operation-runner.js';
import type { OperationSpec, RunMode } from './operation-spec.interface.js';
import { McpOperations } from './mcp-operations.js';
import { type CompletionArgument, type CompletionRef, McpReads } from './mcp-reads.js';
import { ReplayBorrowedClientIds } from './replay-borrowed-client-ids.js';
import { replayToolError } from './replay-tool-error.js';
import { specScrubber } from './spec-scrubber.js';
import { InertLogger } from '../logging/inert-logger.js';

const WITH_RETRY: RunMode = { retry: true, deadLetter: true };
const SINGLE_ATTEMPT: RunMode = { retry: false, deadLetter: false };
const REPLAY: RunMode = { retry: true, deadLetter: false };
/** Reads (resources, prompts, completions) retry, and have nothing to dead-letter. */
const READ: RunMode = { retry: true, deadLetter: false };

/**
 * The MCP client: connects client ids to servers over Streamable HTTP, lists and calls tools.
 * `...WithRetry` methods retry under the module's policy and dead-letter what fails for good;
 * `connect`, `listTools` and `callTool` make a single attempt (the basic client's contract).
 */
@Injectable()
export class EnhancedFastMcpService implements OperationReplayer, OnApplicationShutdown {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private readonly borrowed = new ReplayBorrowedClientIds();

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(McpHttpTransport) private readonly transport: McpHttpTransport,
    @Inject(OperationRunner) private readonly runner: OperationRunner,
    @Inject(McpOperations) private readonly operations: McpOperations,
    @Inject(ServerPipelines) private readonly pipelines: ServerPipelines,
    @Inject(McpConnector) private readonly connector: McpConnector,
    @Inject(RetryPolicies) private readonly retryPolicies: RetryPolicies,
    @Inject(ServerAuthRegistry) private readonly serverAuth: ServerAuthRegistry,
    @Inject(McpReads) private readonly reads: McpReads,
  ) {}

  async connectWithRetry(
    clientId: string,
    config?: Partial<McpServerConfig>,
    opts: CallOptions = {},
  ): Promise<McpSession> {
    return await this.appCall(
      clientId,
      () => this.operations.connect(clientId, config),
      opts,
      WITH_RETRY,
    );
  }

  async listToolsWithRetry(clientId: string, opts: CallOptions = {}): Promise<Tool[]> {
    return await this.appCall(
      clientId,
      () => this.operations.listTools(clientId),
      opts,
      WITH_RETRY,
    );
  }

  async callToolWithRetry(
    clientId: string,
    toolName: string,
    args?: Record<string, unknown>,
    opts: CallOptions = {},
  ): Promise<CallToolResult> {
    return await this.appCall(
      clientId,
      () => this.operations.callTool(clientId, toolName, args, opts),
      opts,
      WITH_RETRY,
    );
  }

  async connect(
    clientId: string,
    config?: Partial<McpServerConfig>,
    opts: CallOptions = {},
  ): Promise<McpSession> {
    return await this.appCall(
      clientId,
      () => this.operations.connect(clientId, config),
      opts,
      SINGLE_ATTEMPT,
    );
  }

  async listTools(clientId: string, opts: CallOptions = {}): Promise<Tool[]> {
    return await this.appCall(
      clientId,
      () => this.operations.listTools(clientId),
      opts,
      SINGLE_ATTEMPT,
    );
  }

  async callTool(
    clientId: string,
    toolName: string,
    args?: Record<string, unknown>,
    opts: CallOptions = {},
  ): Promise<CallToolResult> {
    return await this.appCall(
      clientId,
      () => this.operations.callTool(clientId, toolName, args, opts),
      opts,
      SINGLE_ATTEMPT,
    );
  }

  /** Every resource the server lists (all pages, `resources/list`), with retries. */
  async listResourcesWithRetry(clientId: string, opts: CallOptions = {}): Promise<Resource[]> {
    return await this.appCall(clientId, () => this.reads.listResources(clientId), opts, READ);
  }

  /** Every resource template (all pages, `resources/templates/list`), with retries. */
  async listResourceTemplatesWithRetry(
    clientId: string,
    opts: CallOptions = {},
  ): Promise<ResourceTemplate[]> {
    return await this.appCall(
      clientId,
      () => this.reads.listResourceTemplates(clientId),
      opts,
      READ,
    );
  }

  /** The contents of the resource at `uri` (`resources/read`), with retries. */
  async readResourceWithRetry(
    clientId: string,
    uri: string,
    opts: CallOptions = {},
  ): Promise<ReadResourceResult> {
    return await this.appCall(clientId, () => this.reads.readResource(clientId, uri), opts, READ);
  }

  /** Every prompt the server lists (all pages, `prompts/list`), with retries. */
  async listPromptsWithRetry(clientId: string, opts: CallOptions = {}): Promise<Prompt[]> {
    return await this.appCall(clientId, () => this.reads.listPrompts(clientId), opts, READ);
  }

  /** The prompt `name` filled with `args` (`prompts/get`), with retries. */
  async getPromptWithRetry(
    clientId: string,
    name: string,
    args?: Record<string, string>,
    opts: CallOptions = {},
  ): Promise<GetPromptResult> {
    return await this.appCall(
      clientId,
      () => this.reads.getPrompt(clientId, name, args),
      opts,
      READ,
    );
  }

  /** Suggested values for a prompt argument or a template variable (`completion/complete`). */
  async completeWithRetry(
    clientId: string,
    ref: CompletionRef,
    argument: CompletionArgument,
    opts: CallOptions = {},
  ): Promise<CompleteResult> {
    return await this.appCall(
      clientId,
      () => this.reads.complete(clientId, ref, argument),
      opts,
      READ,
    );
  }

  /**
   * Subscribes to the resource at `uri`, with retries: its changes arrive as
   * `server.resource_updated` events. The subscription is kept until `unsubscribeResourceWithRetry`
   * or `disconnect`, and asked for again on each new session. Fails with McpProtocolError -32601
   * when the server does not offer subscriptions (or, on 2026-07-28, does not acknowledge it).
   */
  async subscribeResourceWithRetry(
    clientId: string,
    uri: string,
    opts: CallOptions = {},
  ): Promise<void> {
    await this.appCall(clientId, () => this.reads.subscription(clientId, uri, true), opts, READ);
  }

  /** Ends the subscription to `uri`, with retries. */
  async unsubscribeResourceWithRetry(
    clientId: string,
    uri: string,
    opts: CallOptions = {},
  ): Promise<void> {
    await this.appCall(clientId, () => this.reads.subscription(clientId, uri, false), opts, READ);
  }

  /**
   * Waits again for the task of a tool that a call left running: `McpDeliveryUnknownError.taskId`
   * of a call whose budget ran out, or whose polls failed, while its session lives. Polls it and
   * returns the tool's result, with retries; the tool is not called again. Never dead-lettered.
   */
  async awaitToolTaskWithRetry(
    clientId: string,
    taskId: string,
    opts: CallOptions = {},
  ): Promise<CallToolResult> {
    return await this.appCall(clientId, () => this.reads.awaitTask(clientId, taskId), opts, READ);
  }

  /**
   * The tasks the server keeps for the client id's session (`tasks/list`, every page), with
   * retries: e.g. to find a task a call left running, by `McpDeliveryUnknownError.taskId`.
   * Fails with the server's McpProtocolError (-32601) when it does not offer `tasks/list`.
   */
  async listToolTasksWithRetry(clientId: string, opts: CallOptions = {}): Promise<Task[]> {
    return await this.appCall(clientId, () => this.reads.listTasks(clientId), opts, READ);
  }

  /** The URIs the client id is subscribed to. */
  getResourceSubscriptions(clientId: string): string[] {
    return this.operations.subscribedResources(clientId);
  }

  /** The session of a connected client id. */
  getSession(clientId: string): McpSession | undefined {
    return this.operations.sessions.session(clientId);
  }

  /**
   * Ends the client id's connection (a 2025 session's HTTP DELETE) and forgets it. A server not in
   * `servers` is then forgotten whole (breaker, retry budget, era verdict, OAuth tokens), so
   * client ids made on the fly do not pile up; a configured one keeps them across a reconnect,
   * as it is still the server that was unwell.
   */
  async disconnect(clientId: string): Promise<void> {
    try {
      await this.operations.forget(clientId)?.end();
    } finally {
      if (this.options.servers[clientId] === undefined) this.forgetServer(clientId);
    }
  }

  /** The delay before retry number `attempt` (1-based), jitter included, under the module's policy. */
  calculateBackoffWithJitter(attempt: number): number {
    return calculateBackoffWithJitter(attempt, this.options.retry);
  }

  /**
   * Re-runs a dead-lettered operation with the normal retry, until `signal` (the replay's lease
   * lost) aborts it; the DLQ keeps or removes the entry.
   */
  async replay(entry: FailedOperation, signal?: AbortSignal): Promise<ReplayOutcome> {
    if (typeof entry !== 'object' || entry === null) {
      throw new DlqValidationError('entry', 'expected a dead-letter entry to replay');
    }
    const { clientId } = entry;
    assertClientId(clientId);
    this.borrowed.replayStarted(clientId, this.operations.inUse(clientId));
    try {
      return await this.replayOnce(entry, signal);
    } finally {
      if (this.borrowed.replayEnded(clientId)) await this.returnBorrowed(clientId);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const clientIds = this.operations.sessions.clientIds();
    const results = await Promise.allSettled(clientIds.map((id) => this.disconnect(id)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        this.logger.warn(`Could not end the session of ${clientIds[i]}: ${String(result.reason)}`);
      }
    });
    await this.operations.sessions.endingsSettled();
    await this.transport.close();
  }

  private async replayOnce(entry: FailedOperation, signal?: AbortSignal): Promise<ReplayOutcome> {
    let spec: OperationSpec<unknown>;
    try {
      spec = this.operations.forEntry(entry);
    } catch (error) {
      // Refused before anything was sent: the entry stays as it was (another instance has it).
      if (isUnknownClientError(error)) throw error;
      return this.failedReplay(error, []);
    }
    // The call's own rule for sending it again holds for its replay too.
    const opts = { signal, ...(entry.repeatRule ? { retry: entry.repeatRule } : {}) };
    assertCallOptions(opts);
    const outcome = await this.runner.execute(spec, opts, {
      ...REPLAY,
      replayOf: entry.id,
      replayedTrace: entry.traceparent,
    });
    if (outcome.ok) {
      const scrub = (text: string) => specScrubber(this.options, spec).scrub(text);
      return replayToolError(entry, outcome.value, scrub) ?? { ok: true, result: outcome.value };
    }
    return this.failedReplay(outcome.error, outcome.run.attempts);
  }

  private async appCall<T>(
    clientId: string,
    makeSpec: () => OperationSpec<T>,
    opts: CallOptions,
    mode: RunMode,
  ): Promise<T> {
    this.borrowed.appCallStarted(clientId);
    try {
      return await this.runner.run(makeSpec, opts, mode);
    } finally {
      this.borrowed.appCallEnded(clientId);
    }
  }

  /**
   * Disconnects a client id only replays connected. A circuit that is not closed stays, with the
   * rest of the server's state, so automatic redrives to that server stay held.
   */
  private async returnBorrowed(clientId: string): Promise<void> {
    const connection = this.operations.forget(clientId);
    if (!this.pipelines.circuitUnclosed(clientId)) this.forgetServer(clientId);
    await connection?.end().catch((error: unknown) => {
      this.logger.warn(`Could not end the session of ${clientId}: ${String(error)}`);
    });
  }

  private forgetServer(clientId: string): void {
    this.pipelines.forget(clientId);
    this.connector.forget(clientId);
    this.retryPolicies.forget(clientId);
    this.serverAuth.forget(clientId);
  }

  private failedReplay(error: unknown, attempts: AttemptRecord[]): ReplayOutcome {
    const failure = isFastMcpError(error) ? error : unexpectedFailure(error);
    const last = isRetryExhaustedError(failure) ? failure.lastError : failure;
    return {
      ok: false,
      error: failure,
      errorSummary: failure.message,
      errorClass: classifyError(last, this.options.retry.retryableStatusCodes).errorClass,
      attempts,
      ...(endedDeliveryUnknown(failure) ? { deliveryUnknown: true } : {}),
    };
  }
}
