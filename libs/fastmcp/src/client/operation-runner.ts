import { Inject, Injectable } from '@nestjs/common';
import { repeatRuleOfCall } from '../dlq/core/repeat-rule.js';
import { FastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';
import { FastMcpError, isFastMcpError } from '../errors/fastmcp.error.js';
import { unexpectedFailure } from '../errors/unexpected-failure.js';
import { isMcpTransportError } from '../errors/mcp-transport.error.js';
import { isRetryExhaustedError } from '../errors/retry-exhausted.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { classifyError } from '../retry/classify-error.js';
import { endedDeliveryUnknown } from '../retry/delivery.js';
import { type Clock, FASTMCP_CLOCK } from '../retry/clock.js';
import { RetryPolicies } from '../retry/retry-policies.js';
import { RetryRun } from '../retry/retry-run.js';
import { ServerPipelines } from '../pipeline/server-pipelines.js';
import {
  FASTMCP_TRACER,
  type OperationTrace,
  type OperationTracer,
} from '../tracing/operation-tracer.interface.js';
import type { CallOptions } from './call-options.interface.js';
import { assertCallOptions } from './call-input.validation.js';
import { DeadLetterWriter } from './dead-letter.writer.js';
import { InFlightOperations } from './in-flight-operations.js';
import type { InFlightTicket } from './in-flight-ticket.js';
import type { OperationSpec, RunMode, RunOutcome } from './operation-spec.interface.js';
import { specScrubber } from './spec-scrubber.js';

/** The call's in-flight ticket, and whether its request was out when the grace ran out. */
interface ShutdownWatch {
  readonly ticket: InFlightTicket;
  /** At the shutdown's abort: the operation's own request was out, and may not run twice. */
  readonly unsafeRequestOut: boolean;
}

/** At the grace's end: notes whether the request was out, then aborts the run. */
function watchShutdown(
  ticket: InFlightTicket,
  run: RetryRun,
  spec: OperationSpec<unknown>,
): ShutdownWatch {
  const watch = { ticket, unsafeRequestOut: false };
  ticket.onShutdown((reason) => {
    // A handshake's request being out is not the operation's own.
    const out = run.requestMayBeOut && (spec.ownRequestOut?.() ?? true);
    const unsafe =
      spec.safeToRepeat !== undefined && !spec.safeToRepeat(run.policy.ambiguousToolCalls);
    watch.unsafeRequestOut = out && unsafe;
    run.abort(reason);
  });
  return watch;
}

/**
 * Runs one operation under the retry policy: attempts, re-initialises a lost session once,
 * waits between retries, raises events, and hands a final failure to the dead-letter queue.
 */
@Injectable()
export class OperationRunner {
  constructor(
    @Inject(RetryPolicies) private readonly policies: RetryPolicies,
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
    @Inject(FASTMCP_CLOCK) private readonly clock: Clock,
    @Inject(DeadLetterWriter) private readonly deadLetters: DeadLetterWriter,
    @Inject(ServerPipelines) private readonly pipelines: ServerPipelines,
    @Inject(InFlightOperations) private readonly inFlight: InFlightOperations,
    @Inject(FASTMCP_TRACER) private readonly tracer: OperationTracer,
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
  ) {}

  /** Checks `opts` before `makeSpec` reads them, then runs the operation. */
  async run<T>(makeSpec: () => OperationSpec<T>, opts: CallOptions, mode: RunMode): Promise<T> {
    assertCallOptions(opts);
    const outcome = await this.execute(makeSpec(), opts, mode);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  async execute<T>(
    spec: OperationSpec<T>,
    opts: CallOptions,
    mode: RunMode,
  ): Promise<RunOutcome<T>> {
    const ticket = this.inFlight.admit(spec.clientId, spec.operation);
    try {
      return await this.executeAdmitted(spec, opts, mode, ticket);
    } finally {
      ticket.done();
    }
  }

  private async executeAdmitted<T>(
    spec: OperationSpec<T>,
    opts: CallOptions,
    mode: RunMode,
    ticket: InFlightTicket,
  ): Promise<RunOutcome<T>> {
    // Before the span starts: a policy refused (a replayed entry's bad repeatRule) leaves no span open.
    const policy = this.policies.forCall(spec.clientId, opts, spec.operation);
    const trace = this.tracer.start({
      operation: spec.operation,
      clientId: spec.clientId,
      method: spec.method,
      toolName: spec.toolName,
      replayOf: mode.replayOf,
      replayedTrace: mode.replayedTrace,
    });
    const run = new RetryRun({
      operation: spec.operation,
      clientId: spec.clientId,
      policy,
      clock: this.clock,
      events: this.events,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      singleAttempt: !mode.retry,
      toolName: spec.toolName,
      pipeline: this.pipelines.forServer(spec.clientId),
      safeToRepeat: spec.safeToRepeat?.bind(spec),
      trace,
    });
    try {
      const watch = watchShutdown(ticket, run, spec);
      if (!trace) return await this.perform(spec, run, mode, watch, opts);
      return await trace.run(async () => {
        const outcome = await this.perform(spec, run, mode, watch, opts);
        this.endTrace(trace, spec, outcome);
        return outcome;
      });
    } finally {
      run.dispose();
    }
  }

  private async perform<T>(
    spec: OperationSpec<T>,
    run: RetryRun,
    mode: RunMode,
    shutdown: ShutdownWatch,
    opts: Pick<CallOptions, 'priority' | 'retry'>,
  ): Promise<RunOutcome<T>> {
    const { operation, clientId } = spec;
    this.events.emit('operation.started', { operation, clientId, startedAt: run.startedAt });
    try {
      const value = await this.attemptUntilDone(spec, run);
      this.events.emit('operation.succeeded', {
        operation,
        clientId,
        durationMs: run.elapsedMs,
        attempts: run.attempts.length + 1,
      });
      return { ok: true, value, run };
    } catch (error) {
      const final = shutdown.ticket.shutdownReason
        ? this.endedByShutdown(shutdown, error, spec)
        : this.asFastMcpError(error, spec);
      const failed = isRetryExhaustedError(final) ? final.lastError : final;
      this.events.emit('operation.failed', {
        operation,
        clientId,
        durationMs: run.elapsedMs,
        attempts: Math.max(run.attempts.length, 1),
        errorClass: classifyError(failed, run.retryableStatusCodes).errorClass,
        error:
          isRetryExhaustedError(final) && isFastMcpError(failed) ? failed.message : final.message,
        retriesExhausted: isRetryExhaustedError(final),
        deliveryUnknown: endedDeliveryUnknown(final),
      });
      if (mode.deadLetter) {
        await this.deadLetters.write(spec, run, final, {
          priority: opts.priority,
          repeatRule: repeatRuleOfCall(opts.retry),
          traceparent: run.trace?.traceparent,
        });
      }
      return { ok: false, error: final, run };
    } finally {
      run.endAttempt();
    }
  }

  private endTrace<T>(trace: OperationTrace, spec: OperationSpec<T>, outcome: RunOutcome<T>): void {
    const target = spec.lastTarget();
    const { run } = outcome;
    trace.end({
      ...(outcome.ok ? { value: outcome.value } : { error: outcome.error }),
      attempts: outcome.ok ? run.attempts.length + 1 : Math.max(run.attempts.length, 1),
      retries: run.retryCount,
      sessionId: target?.traceSessionId,
      protocolVersion: target?.protocolVersion,
    });
  }

  private async attemptUntilDone<T>(spec: OperationSpec<T>, run: RetryRun): Promise<T> {
    let sessionRenewed = false;
    for (;;) {
      try {
        // Before the attempt's own work (a reconnect ends the session it replaces).
        run.throwIfAborted();
        return await spec.attempt(run);
      } catch (error) {
        run.attemptSettled();
        const failure = this.asFastMcpError(run.explainAbort(error), spec);
        // The pipeline hears the outcome, then the attempt gives back its admission (a
        // concurrency slot, the half-open probe) rather than hold it through the wait.
        run.recordFailure(failure);
        run.endAttempt();
        if (isMcpTransportError(failure) && failure.failure === 'session_lost') {
          spec.dropSession();
          if (!sessionRenewed) {
            // The spec's one free re-initialisation: it does not use up a retry.
            sessionRenewed = true;
            continue;
          }
        }
        await run.waitBeforeRetry(failure);
      }
    }
  }

  /**
   * The grace ran out: the caller gets FastMcpShutdownError, with what it ended as the cause. Its
   * delivery is unknown when a request not safe to repeat was out at that moment (the dead
   * letter is then marked `deliveryUnknown`, and replayed only with `force`).
   */
  private endedByShutdown(
    shutdown: ShutdownWatch,
    error: unknown,
    spec: OperationSpec<unknown>,
  ): FastMcpError {
    const reason = shutdown.ticket.shutdownReason as FastMcpError;
    return new FastMcpShutdownError(reason.message.replace(/^shutting down: /, ''), {
      cause: error,
      clientId: spec.clientId,
      operation: spec.operation,
      ...(shutdown.unsafeRequestOut ? { delivery: 'unknown' as const } : {}),
    });
  }

  private asFastMcpError(error: unknown, spec: OperationSpec<unknown>): FastMcpError {
    if (isFastMcpError(error)) return error;
    // A configured secret may be in it (a header value in a bug's message): rare enough to
    // build the scrubber here.
    const scrubber = specScrubber(this.options, spec);
    const fields = { clientId: spec.clientId, operation: spec.operation };
    return unexpectedFailure(error, fields, (text) => scrubber.scrub(text));
  }
}
