import { repeatRuleOf } from './repeat-rule.js';
import { SecretScrubber } from '../../auth/secret-scrubber.js';
import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import type { ResolvedDlqOptions } from '../../options/fastmcp-options.interface.js';
import { DLQ_MESSAGE_MAX_BYTES, DLQ_URL_MAX_BYTES, TOOL_NAME_MAX_BYTES } from './dlq.constants.js';
import { capAttempts, type CappedJson, capJson, capUtf8, isRecord } from './dlq-capping.js';
import { DlqIdGenerator } from './dlq-id.js';
import {
  assertClientId,
  assertOperation,
  ERROR_CLASS_PATTERN,
  isoDateOf,
  priorityOf,
  textOf,
} from './dlq-input.validation.js';
import { redactHeaders, storedUrl } from './dlq-redaction.js';
import { formatTraceparent, parseTraceparent } from '../../tracing/traceparent.js';
import type {
  FailedOperation,
  FailedOperationInput,
  FailedRequest,
} from './failed-operation.interface.js';

type EntryLimits = Pick<ResolvedDlqOptions, 'ttlMs' | 'maxArgumentBytes' | 'secretHeaders'>;

/**
 * Turns what the client hands over into a stored entry: a new id, secrets redacted, arguments,
 * params and attempt messages capped. Whatever the caller passes, no secret header leaves here:
 * not by its name, nor by its value when that is one of `secretValues` (the configured header
 * values) or looks like a credential; the error texts are scrubbed of them too.
 */
export class DlqEntryBuilder {
  private readonly secret: ReadonlySet<string>;
  private readonly values: ReadonlySet<string>;
  private readonly scrubber: SecretScrubber;
  private readonly ids = new DlqIdGenerator();

  constructor(
    private readonly limits: EntryLimits,
    secretValues: readonly string[] = [],
  ) {
    this.secret = new Set(limits.secretHeaders.map((h) => h.toLowerCase()));
    this.values = new Set(secretValues.map((v) => v.trim()));
    this.scrubber = new SecretScrubber(secretValues);
  }

  build(input: FailedOperationInput, nowMs: number): FailedOperation {
    if (typeof input !== 'object' || input === null) {
      throw new DlqValidationError('entry', 'expected a FailedOperationInput object');
    }
    assertOperation(input.operation);
    assertClientId(input.clientId);
    // A replay calls the tool with what is stored: never with {} for arguments it could not keep,
    // nor a name cut short (another tool, or none).
    if (input.arguments !== undefined && !isRecord(input.arguments)) {
      throw new DlqValidationError('arguments', 'expected an object of the tool arguments');
    }
    // A tools/call with no tool name could never be replayed.
    if (
      input.operation === 'call_tool' &&
      (typeof input.toolName !== 'string' || !input.toolName)
    ) {
      throw new DlqValidationError('toolName', 'a call_tool entry needs the name of its tool');
    }
    if (
      typeof input.toolName === 'string' &&
      Buffer.byteLength(input.toolName) > TOOL_NAME_MAX_BYTES
    ) {
      throw new DlqValidationError('toolName', `longer than ${TOOL_NAME_MAX_BYTES} bytes`);
    }
    const max = this.limits.maxArgumentBytes;
    const args = input.arguments === undefined ? undefined : capJson(input.arguments, max);
    if (args && !isRecord(args.value)) {
      throw new DlqValidationError('arguments', 'does not write as a JSON object');
    }
    const request = this.request(input.request, args);
    const entry: FailedOperation = {
      id: this.ids.next(nowMs),
      operation: input.operation,
      clientId: input.clientId,
      serverUrl: capUtf8(storedUrl(textOf(input.serverUrl)), DLQ_URL_MAX_BYTES),
      request: request.value,
      error: capUtf8(this.scrubber.scrub(textOf(input.error)), DLQ_MESSAGE_MAX_BYTES),
      errorClass: errorClassOf(input.errorClass),
      attempts: capAttempts(input.attempts, nowMs, (text) => this.scrubber.scrub(text)),
      retryCount: Number.isInteger(input.retryCount) ? input.retryCount : 0,
      firstAttemptAt: isoDateOf('firstAttemptAt', input.firstAttemptAt, nowMs),
      failedAt: isoDateOf('failedAt', input.failedAt, nowMs),
      expiresAt: new Date(nowMs + this.limits.ttlMs).toISOString(),
      replayCount: 0,
      status: 'dead',
      priority: priorityOf(input.priority),
    };
    if (input.protocolEra === 'legacy' || input.protocolEra === 'modern') {
      entry.protocolEra = input.protocolEra;
    }
    if (typeof input.toolName === 'string') entry.toolName = input.toolName;
    if (args) entry.arguments = args.value;
    if (args?.truncated || request.truncated) entry.argumentsTruncated = true;
    if (input.deliveryUnknown === true) entry.deliveryUnknown = true;
    const repeatRule = repeatRuleOf(input.repeatRule);
    if (repeatRule && input.operation === 'call_tool') entry.repeatRule = repeatRule;
    // Like an attempt, a trace link is history: a malformed one is dropped, never the entry.
    const trace = parseTraceparent(input.traceparent);
    if (trace) entry.traceparent = formatTraceparent(trace);
    return entry;
  }

  private isSecretValue(value: string): boolean {
    return this.values.has(value.trim()) || this.scrubber.scrub(value) !== value;
  }

  private request(
    raw: unknown,
    cappedArgs: CappedJson | undefined,
  ): { value: FailedRequest; truncated: boolean } {
    const request = isRecord(raw) ? raw : {};
    const out: FailedRequest = {
      method: capUtf8(typeof request.method === 'string' ? request.method : '', 256),
      headers: redactHeaders(request.headers, this.secret, (value) => this.isSecretValue(value)),
    };
    if (!isRecord(request.params)) return { value: out, truncated: false };
    const params = this.params(request.params, cappedArgs);
    out.params = params.value;
    return { value: out, truncated: params.truncated };
  }

  /**
   * The request's params, capped at twice `maxArgumentBytes`, with its arguments capped on their
   * own (the entry's capped copy when there is one, whose truncation the entry reports). The
   * arguments are written as JSON once: the rest of the params is capped apart and they are put
   * back, unless together they may pass the cap (then all of it is capped as one, as before).
   */
  private params(params: Record<string, unknown>, cappedArgs: CappedJson | undefined): CappedJson {
    const max = this.limits.maxArgumentBytes * 2;
    if (!isRecord(params.arguments)) return capJson(params, max);
    const args = cappedArgs ?? capJson(params.arguments, this.limits.maxArgumentBytes);
    const argsTruncated = !cappedArgs && args.truncated;
    // No prototype: a `__proto__` key of parsed params stays a key, as in a spread copy.
    const rest = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(params)) if (key !== 'arguments') rest[key] = params[key];
    const head = capJson(rest, max);
    // `,"arguments":` joins them: 13 bytes.
    const bytesAtMost = head.bytesAtMost + 13 + args.bytesAtMost;
    if (!head.truncated && bytesAtMost <= max) {
      head.value.arguments = args.value;
      return { value: head.value, truncated: argsTruncated, bytesAtMost };
    }
    rest.arguments = args.value;
    const whole = capJson(rest, max);
    whole.truncated ||= argsTruncated;
    return whole;
  }
}

/** The class as an index can hold it: a well-formed class, or `unknown`. */
export function errorClassOf(value: unknown): string {
  return typeof value === 'string' && ERROR_CLASS_PATTERN.test(value) ? value : 'unknown';
}
