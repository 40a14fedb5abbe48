import { PassThrough } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import { AnswerMeter, type BytePool } from './answer-meter.js';
import { MAX_BATCH_MESSAGES } from './message-batch.js';
import { MESSAGES_PER_TURN } from './message-batch.pacer.js';
import { readSseResponse } from './sse-response.reader.js';

/** A budget of `limit` bytes that records what it holds. */
function pool(limit: number): BytePool & { held: number } {
  return {
    limit,
    held: 0,
    reserve(bytes) {
      if (this.held + bytes > limit) return false;
      this.held += bytes;
      return true;
    },
    release(bytes) {
      this.held -= bytes;
    },
  };
}

function read(stream: PassThrough, budget: BytePool) {
  const meter = new AnswerMeter(1024 * 1024, budget, {});
  return readSseResponse(stream, 1, () => undefined, {}, meter);
}

const head = 'data: {"jsonrpc":"2.0","id":1,"result":{"content":[\n';
const item = `data: {"type":"text","text":"${'x'.repeat(200)}"},\n`;
const tail = 'data: {"type":"text","text":"end"}]}}\n\n';

describe('readSseResponse', () => {
  it('holds an event against the budget across the comments between its data lines', async () => {
    const budget = pool(4096);
    const stream = new PassThrough();
    const reading = read(stream, budget);
    let sent = 0;
    for (const chunk of [head, ...Array.from({ length: 10 }, () => `${item}: keepalive\n`)]) {
      stream.write(chunk);
      sent += chunk.length;
      await tick();
      expect(budget.held).toBe(sent);
    }
    stream.end(tail);
    await reading;
    expect(budget.held).toBe(1);
  });

  it('fails the event that would pass the budget, comments or not', async () => {
    const stream = new PassThrough();
    const reading = read(stream, pool(2048));
    stream.write(head);
    for (let i = 0; i < 20; i += 1) stream.write(`${item}: keepalive\n`);
    stream.end(tail);
    const error = await reading.catch((e: unknown) => e);
    expect(isMcpResponseTooLargeError(error)).toBe(true);
    expect(error).toMatchObject({ limit: 'buffered', limitBytes: 2048 });
  });

  it('decodes a character whose bytes arrive in two chunks', async () => {
    const stream = new PassThrough();
    const reading = read(stream, pool(4096));
    const event = Buffer.from(
      'data: {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"café ✓"}]}}\n\n',
    );
    const split = event.indexOf('é') + 1;
    stream.write(event.subarray(0, split));
    await tick();
    stream.write(event.subarray(split, event.indexOf('✓') + 2));
    await tick();
    stream.end(event.subarray(event.indexOf('✓') + 2));
    await expect(reading).resolves.toEqual({ content: [{ type: 'text', text: 'café ✓' }] });
  });
});

describe('readSseResponse of a batch of messages', () => {
  const log = (index: number): string =>
    JSON.stringify({
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { level: 'info', data: index },
    });
  const response = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [] } });
  const batchEvent = (count: number): string =>
    `data: [${[...Array.from({ length: count }, (_, i) => log(i)), response].join(',')}]\n\n`;
  const meter = (): AnswerMeter => new AnswerMeter(8 * 1024 * 1024, pool(64 * 1024 * 1024), {});

  it(`fails an event of over ${MAX_BATCH_MESSAGES} messages with -32600, none of them handled`, async () => {
    const stream = new PassThrough();
    const sunk: unknown[] = [];
    const reading = readSseResponse(stream, 1, (m) => sunk.push(m), {}, meter());
    stream.end(batchEvent(MAX_BATCH_MESSAGES));
    const error = await reading.catch((e: unknown) => e);
    expect(isMcpProtocolError(error)).toBe(true);
    expect(error).toMatchObject({ code: -32600 });
    expect(sunk).toHaveLength(0);
  });

  it(`checks the signal every ${MESSAGES_PER_TURN} messages: an abort stops the handling`, async () => {
    const stream = new PassThrough();
    const controller = new AbortController();
    const reason = new Error('attempt timed out');
    let sunk = 0;
    const sink = (): void => {
      sunk += 1;
      if (sunk === MESSAGES_PER_TURN + 10) controller.abort(reason);
    };
    const reading = readSseResponse(stream, 1, sink, {}, meter(), controller.signal);
    stream.end(batchEvent(MAX_BATCH_MESSAGES - 1));
    await expect(reading).rejects.toBe(reason);
    expect(sunk).toBe(2 * MESSAGES_PER_TURN);
  });

  it('hands every message of events read over several turns, in order, then the result', async () => {
    const stream = new PassThrough();
    const cursor: { lastEventId?: string } = {};
    const sunk: number[] = [];
    const sink = (message: unknown): void => {
      sunk.push((message as { params: { data: number } }).params.data);
    };
    const reading = readSseResponse(stream, 1, sink, cursor, meter());
    const events = Array.from(
      { length: 3 * MESSAGES_PER_TURN },
      (_, i) => `id: e${i}\ndata: ${log(i)}\n\n`,
    );
    stream.end(`${events.join('')}id: last\ndata: ${response}\n\n`);
    await expect(reading).resolves.toEqual({ content: [] });
    expect(sunk).toEqual(Array.from({ length: 3 * MESSAGES_PER_TURN }, (_, i) => i));
    expect(cursor.lastEventId).toBe('last');
  });

  it('keeps no event id that could not go back as a Last-Event-ID header', async () => {
    for (const [id, kept] of [
      ['e-1', 'e-1'],
      ['\u65e5\u672c', undefined],
      ['x'.repeat(1025), undefined],
    ] as const) {
      const stream = new PassThrough();
      const cursor: { lastEventId?: string } = { lastEventId: 'before' };
      const reading = readSseResponse(stream, 1, () => undefined, cursor, meter());
      stream.end(`id: ${id}\ndata: ${response}\n\n`);
      await expect(reading).resolves.toEqual({ content: [] });
      expect(cursor.lastEventId).toBe(kept);
    }
  });

  it('hands no event of another type than message to the sink, and keeps its id', async () => {
    const stream = new PassThrough();
    const cursor: { lastEventId?: string } = {};
    const sunk: unknown[] = [];
    const reading = readSseResponse(stream, 1, (m) => void sunk.push(m), cursor, meter());
    stream.write(`id: k1\nevent: heartbeat\ndata: ${log(7)}\n\n`);
    await tick();
    expect(cursor.lastEventId).toBe('k1');
    stream.end(`event: message\ndata: ${log(8)}\n\ndata: ${response}\n\n`);
    await expect(reading).resolves.toEqual({ content: [] });
    expect(sunk).toHaveLength(1);
  });
});
