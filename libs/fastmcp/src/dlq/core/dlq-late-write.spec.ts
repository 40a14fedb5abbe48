import { describe, expect, it } from 'vitest';
import { DlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { DLQ_TOMBSTONE_MS } from './dlq.constants.js';
import { lateWriteOf, writeMayHaveLanded } from './dlq-late-write.js';
import type { FailedOperation } from './failed-operation.interface.js';

const failedAt = Date.parse('2026-12-01T00:00:00.000Z');
const entry = {
  id: '01M8J5MXRZBV8JNQDE8V8AVJ8M',
  failedAt: new Date(failedAt).toISOString(),
  nextRedriveAt: new Date(failedAt + 60_000).toISOString(),
} as FailedOperation;

describe('writeMayHaveLanded', () => {
  it('is false only for ioredis refusing a command while offline, wrapped or not', () => {
    const offline = new Error("Stream isn't writeable and enableOfflineQueue options is false");
    expect(writeMayHaveLanded(offline)).toBe(false);
    expect(writeMayHaveLanded(new DlqUnavailableError(offline.message, { cause: offline }))).toBe(
      false,
    );
    expect(writeMayHaveLanded(new Error('Command timed out'))).toBe(true);
    expect(writeMayHaveLanded(new DlqUnavailableError('write timed out after 2000ms'))).toBe(true);
    expect(writeMayHaveLanded(new Error('Connection is closed.'))).toBe(true);
    expect(writeMayHaveLanded('a string')).toBe(true);
  });

  it('is false for a cluster refusal, and for ioredis giving up after following refusals', () => {
    const tryAgain = 'TRYAGAIN Multiple keys request during rehashing of slot';
    const gaveUp = new Error(`Too many Cluster redirections. Last error: ReplyError: ${tryAgain}`);
    expect(writeMayHaveLanded(gaveUp)).toBe(false);
    expect(writeMayHaveLanded(new DlqUnavailableError(gaveUp.message, { cause: gaveUp }))).toBe(
      false,
    );
    expect(writeMayHaveLanded(new Error(tryAgain))).toBe(false);
    expect(writeMayHaveLanded(new Error('ASK 1386 127.0.0.1:7001'))).toBe(false);
    expect(writeMayHaveLanded(new Error('MOVED 1386 127.0.0.1:7001'))).toBe(false);
    expect(writeMayHaveLanded(new Error('CLUSTERDOWN The cluster is down'))).toBe(false);
    const closed = 'Too many Cluster redirections. Last error: Error: Connection is closed.';
    expect(writeMayHaveLanded(new Error(closed))).toBe(true);
  });
});

describe('lateWriteOf', () => {
  it('leaves the entry as it is within a tombstone life of its failure, or when no write landed', () => {
    const justBefore = failedAt + DLQ_TOMBSTONE_MS - 1;
    expect(lateWriteOf(entry, true, justBefore)).toBe(entry);
    expect(lateWriteOf(entry, false, failedAt + 10 * DLQ_TOMBSTONE_MS)).toBe(entry);
  });

  it('marks it deliveryUnknown, out of redrive, once a tombstone life has passed', () => {
    const late = lateWriteOf(entry, true, failedAt + DLQ_TOMBSTONE_MS);
    expect(late).toMatchObject({ id: entry.id, deliveryUnknown: true });
    expect(late.nextRedriveAt).toBeUndefined();
    expect(entry.deliveryUnknown).toBeUndefined();
  });
});
