import { describe, expect, it } from 'vitest';
import type { FailedOperation } from '@app/fastmcp';
import { checkSideEffects, PAY_TOOL } from '../../bench/soak/side-effects.js';
import type { OpRecord } from '../../bench/soak/soak-accounting.js';
import { DlqEntryBuilder } from '../../libs/fastmcp/src/dlq/core/dlq-entry.builder.js';
import { failedInput } from '../support/dlq/dlq-test-context.js';

function payRecord(op: number, fields: Partial<OpRecord>): OpRecord {
  return {
    op,
    clientId: 'pay-0',
    tool: PAY_TOOL,
    callId: `op-${op}`,
    startedAt: 0,
    retries: 0,
    highestRetry: 0,
    endEvents: 1,
    outcome: 'failed',
    ...fields,
  };
}

const builder = new DlqEntryBuilder({ ttlMs: 60_000, maxArgumentBytes: 4096, secretHeaders: [] });

function deadLetter(op: number, deliveryUnknown: boolean): FailedOperation {
  const input = failedInput({ toolName: PAY_TOOL, arguments: { id: `op-${op}` }, deliveryUnknown });
  return builder.build(input, Date.now());
}

const deliveryCheck = (...args: Parameters<typeof checkSideEffects>) =>
  checkSideEffects(...args).checks.find((c) => c.name.startsWith('delivery-unknown'))!;

describe('the soak side-effect check of "may have run" failures', () => {
  // A retry withheld, a budget that ended while the request was out (McpTimeoutError with
  // delivery 'unknown', class timeout), and a refusal that never reached the server.
  const records = [
    payRecord(1, { errorClass: 'delivery_unknown', retryWithheld: true, deliveryUnknown: true }),
    payRecord(2, { errorClass: 'timeout', deliveryUnknown: true }),
    payRecord(3, { errorClass: 'http_503' }),
  ];
  const executions = new Map([
    [`${PAY_TOOL}:op-1`, 1],
    [`${PAY_TOOL}:op-2`, 1],
  ]);

  it('counts a typed error with delivery unknown like McpDeliveryUnknownError', () => {
    const entries = [deadLetter(1, true), deadLetter(2, true), deadLetter(3, false)];

    const check = deliveryCheck(records, executions, entries, 2);

    expect(check.ok).toBe(true);
    expect(check.detail).toContain('2 pay calls failed saying they may have run');
    expect(check.detail).toContain('(1 McpDeliveryUnknownError)');
  });

  it('fails when such a failure is not flagged in the DLQ, or the metric misses it', () => {
    const unflagged = [deadLetter(1, true), deadLetter(2, false), deadLetter(3, false)];
    const flaggedRefusal = [deadLetter(1, true), deadLetter(2, true), deadLetter(3, true)];
    const all = [deadLetter(1, true), deadLetter(2, true), deadLetter(3, false)];

    expect(deliveryCheck(records, executions, unflagged, 2).detail).toContain('1 not flagged');
    expect(deliveryCheck(records, executions, unflagged, 2).ok).toBe(false);
    expect(deliveryCheck(records, executions, flaggedRefusal, 2).ok).toBe(false);
    expect(deliveryCheck(records, executions, all, 1).ok).toBe(false);
  });

  it('keeps the delivery_unknown error class for McpDeliveryUnknownError alone', () => {
    const entries = [deadLetter(1, true), deadLetter(2, true), deadLetter(3, false)];
    const relabelled = records.map((r) =>
      r.op === 2 ? { ...r, errorClass: 'delivery_unknown' } : r,
    );

    const check = deliveryCheck(relabelled, executions, entries, 2);

    expect(check.ok).toBe(false);
    expect(check.detail).toContain('1 with the wrong error class');
  });
});
