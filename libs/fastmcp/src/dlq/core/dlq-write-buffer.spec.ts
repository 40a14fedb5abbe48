import { describe, expect, it, vi } from 'vitest';
import { DlqIdGenerator } from './dlq-id.js';
import { DlqWriteBuffer, type DlqWriteBufferHooks } from './dlq-write-buffer.js';
import type { FailedOperation } from './failed-operation.interface.js';

const ids = new DlqIdGenerator();
const entry = (): FailedOperation => ({ id: ids.next(Date.now()) }) as FailedOperation;

function hooks(failuresBeforeSuccess: number) {
  let failures = failuresBeforeSuccess;
  const written: string[] = [];
  const write = vi.fn<DlqWriteBufferHooks['write']>((e) => {
    if (failures-- > 0) return Promise.reject(new Error('down'));
    written.push(e.id);
    return Promise.resolve();
  });
  const flushed = vi.fn<DlqWriteBufferHooks['flushed']>();
  const lost = vi.fn<DlqWriteBufferHooks['lost']>();
  const mayHaveLanded = (error: unknown) => error !== 'not sent';
  const retryable = (error: unknown) => !(error instanceof SyntaxError);
  return {
    written,
    write,
    flushed,
    lost,
    hooks: { write, mayHaveLanded, retryable, flushed, lost },
  };
}

describe('DlqWriteBuffer', () => {
  it('retries in the background with backoff and writes each entry once, in order', async () => {
    const h = hooks(3);
    const buffer = new DlqWriteBuffer(10, h.hooks, { initialDelayMs: 5, maxDelayMs: 20 });
    const entries = [entry(), entry(), entry()];
    for (const e of entries) expect(buffer.push(e, new Error('down'))).toBe(true);
    await vi.waitFor(() => expect(buffer.size).toBe(0));
    expect(h.written).toEqual(entries.map((e) => e.id));
    expect(h.flushed).toHaveBeenCalledWith(3);
    expect(h.write).toHaveBeenCalledTimes(6);
    await buffer.close();
    expect(h.lost).not.toHaveBeenCalled();
  });

  it('writes an entry as one that may have landed once any failed write of it may have', async () => {
    const h = hooks(1);
    const buffer = new DlqWriteBuffer(10, h.hooks, { initialDelayMs: 5, maxDelayMs: 5 });
    const [unsent, timedOut, earlier] = [entry(), entry(), entry()];
    buffer.push(unsent, 'not sent');
    buffer.push(timedOut, 'timed out');
    buffer.push(earlier, 'not sent', true);
    expect(buffer.takeAll().map((held) => held.mayHaveLanded)).toEqual([false, true, true]);

    // The first retry fails in a way that may have landed: the next one says so.
    buffer.push(unsent, 'not sent');
    await vi.waitFor(() => expect(buffer.size).toBe(0));
    expect(h.write.mock.calls.map((call) => call[1])).toEqual([false, true]);
    await buffer.close();
  });

  it('hands an entry whose write cannot succeed to `lost` and writes the ones behind it', async () => {
    const h = hooks(0);
    const [first, poison, last] = [entry(), entry(), entry()];
    const notJson = new SyntaxError('Unexpected token n in JSON');
    h.write.mockImplementation((e) => {
      if (e.id === poison.id) return Promise.reject(notJson);
      h.written.push(e.id);
      return Promise.resolve();
    });
    const buffer = new DlqWriteBuffer(10, h.hooks, { initialDelayMs: 5, maxDelayMs: 5 });
    for (const e of [first, poison, last]) expect(buffer.push(e, new Error('down'))).toBe(true);
    await vi.waitFor(() => expect(buffer.size).toBe(0));
    expect(h.written).toEqual([first.id, last.id]);
    expect(h.write).toHaveBeenCalledTimes(3);
    expect(h.lost).toHaveBeenCalledExactlyOnceWith(
      poison,
      'write failed for a reason a retry cannot mend',
      notJson,
      false,
    );
    // Refused at once when the first write already failed so: nothing is held for it.
    expect(buffer.push(poison, notJson)).toBe(false);
    expect(buffer.size).toBe(0);
    expect(h.lost).toHaveBeenLastCalledWith(poison, expect.any(String), notJson, true);
    await buffer.close();
  });

  it('hands an entry to `lost` when full, and every unwritten entry on close', async () => {
    const h = hooks(Number.POSITIVE_INFINITY);
    const buffer = new DlqWriteBuffer(2, h.hooks, { initialDelayMs: 1000, maxDelayMs: 1000 });
    const [a, b, c] = [entry(), entry(), entry()];
    buffer.push(a, 'e');
    buffer.push(b, 'e');
    expect(buffer.push(c, 'e')).toBe(false);
    expect(h.lost).toHaveBeenCalledWith(c, 'buffer full', 'e', true);
    await buffer.close();
    expect(h.lost.mock.calls.map((call) => call[0])).toEqual([c, a, b]);
    expect(buffer.push(entry(), 'e')).toBe(false);
  });
});
