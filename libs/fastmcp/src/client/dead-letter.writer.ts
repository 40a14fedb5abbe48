import { Inject, Injectable, Optional } from '@nestjs/common';
import { DeadLetterQueueService } from '../dlq/core/dead-letter-queue.service.js';
import { storedUrl } from '../dlq/core/dlq-redaction.js';
import type { DlqPriority, FailedOperationInput } from '../dlq/core/failed-operation.interface.js';
import type { RepeatRule } from '../dlq/core/repeat-rule.js';
import type { FastMcpError } from '../errors/fastmcp.error.js';
import { isRetryExhaustedError } from '../errors/retry-exhausted.error.js';
import { type DlqOperationName, isDlqOperationName } from '../events/operation-name.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { classifyError, deadLetterKindOf } from '../retry/classify-error.js';
import { endedDeliveryUnknown } from '../retry/delivery.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { protocolHeaders } from '../transport/request-headers.js';
import type { OperationSpec } from './operation-spec.interface.js';
import { InertLogger } from '../logging/inert-logger.js';

/** What the call adds to its dead letter beside the failure itself. */
export interface DeadLetterExtras {
  priority?: DlqPriority;
  repeatRule?: RepeatRule;
  /** The operation span's, when the call was traced. */
  traceparent?: string;
}

/** Hands an operation that failed for good to the dead-letter queue, if its kind is stored. */
@Injectable()
export class DeadLetterWriter {
  private readonly logger = new InertLogger('FastMCP Enhanced');

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Optional() @Inject(DeadLetterQueueService) private readonly dlq: DeadLetterQueueService | null,
  ) {}

  async write(
    spec: OperationSpec<unknown>,
    run: RetryRun,
    error: FastMcpError,
    { priority, repeatRule, traceparent }: DeadLetterExtras = {},
  ): Promise<void> {
    const dlqOptions = this.options.dlq;
    const kind = deadLetterKindOf(error);
    if (!this.dlq?.enabled || !dlqOptions || !kind || !dlqOptions.storeKinds.includes(kind)) return;
    // A read (a resource, a prompt) has nothing to run later: its caller has the error.
    const operation = spec.operation;
    if (!isDlqOperationName(operation)) return;
    const input = this.entryFor(spec, operation, run, error);
    const chosen = priority ?? this.toolPriority(spec.clientId, spec.toolName);
    if (chosen) input.priority = chosen;
    if (repeatRule) input.repeatRule = repeatRule;
    if (traceparent) input.traceparent = traceparent;
    try {
      await this.dlq.store(input);
    } catch (storeError) {
      // The store buffers while Redis is away; reaching here means it refused the entry itself.
      this.logger.error(
        `Could not store failed operation in DLQ (${String(storeError)}): ${JSON.stringify({
          ...input,
          serverUrl: storedUrl(input.serverUrl),
          request: { method: input.request.method, params: input.request.params },
        })}`,
      );
    }
  }

  private entryFor(
    spec: OperationSpec<unknown>,
    operation: DlqOperationName,
    run: RetryRun,
    error: FastMcpError,
  ): FailedOperationInput {
    const last = isRetryExhaustedError(error) ? error.lastError : error;
    // No target yet when the handshake failed: the configured server is where the call went.
    const target = spec.lastTarget() ?? this.configuredTarget(spec.clientId);
    return {
      operation,
      clientId: spec.clientId,
      serverUrl: target?.url ?? '',
      ...(target?.era ? { protocolEra: target.era } : {}),
      toolName: spec.toolName,
      arguments: spec.arguments,
      request: {
        method: spec.method,
        params: spec.params,
        // Never the configured headers: they may hold secrets, and replay takes them from config.
        headers: target ? protocolHeaders(target) : {},
      },
      error: error.message,
      errorClass: classifyError(last, run.retryableStatusCodes).errorClass,
      attempts: run.attempts,
      retryCount: run.retryCount,
      firstAttemptAt: new Date(run.startedAt).toISOString(),
      failedAt: new Date(run.now()).toISOString(),
      ...(endedDeliveryUnknown(error) ? { deliveryUnknown: true } : {}),
    };
  }

  private toolPriority(clientId: string, toolName?: string): DlqPriority | undefined {
    if (!toolName || !Object.hasOwn(this.options.servers, clientId)) return undefined;
    const tools = this.options.servers[clientId].tools;
    return tools && Object.hasOwn(tools, toolName) ? tools[toolName].priority : undefined;
  }

  /** The configured server of `clientId`, without its headers (an entry never holds them). */
  private configuredTarget(clientId: string): HttpTarget | undefined {
    const server = Object.hasOwn(this.options.servers, clientId)
      ? this.options.servers[clientId]
      : undefined;
    return server && { url: server.url, headers: {} };
  }
}
