import { PassThrough, type Readable } from 'node:stream';
import type { AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { AnswerMeter } from './answer-meter.js';
import { MAX_BATCH_MESSAGES } from './message-batch.js';
import { MESSAGES_PER_TURN } from './message-batch.pacer.js';
import { readResponse } from './response-reader.js';

const unlimited = { limit: Infinity, reserve: () => true, release: () => undefined };

/** A JSON answer whose body is `count` log messages, then the response to id 1. */
function jsonBatch(count: number): AxiosResponse<Readable> {
  const items = Array.from({ length: count }, (_, data) =>
    JSON.stringify({
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { level: 'info', data },
    }),
  );
  items.push(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [] } }));
  const data = new PassThrough();
  data.end(`[${items.join(',')}]`);
  return {
    data,
    headers: { 'content-type': 'application/json' },
  } as unknown as AxiosResponse<Readable>;
}

function read(answer: AxiosResponse<Readable>, sink: () => void, signal?: AbortSignal) {
  const meter = new AnswerMeter(64 * 1024 * 1024, unlimited, {});
  return readResponse(answer, 1, sink, {}, meter, signal);
}

describe('readResponse of a JSON batch', () => {
  it('hands each message to the sink, then returns the result', async () => {
    let sunk = 0;
    await expect(read(jsonBatch(3 * MESSAGES_PER_TURN), () => (sunk += 1))).resolves.toEqual({
      content: [],
    });
    expect(sunk).toBe(3 * MESSAGES_PER_TURN);
  });

  it(`fails a batch of over ${MAX_BATCH_MESSAGES} messages with -32600, none handled`, async () => {
    let sunk = 0;
    const error = await read(jsonBatch(MAX_BATCH_MESSAGES), () => (sunk += 1)).catch(
      (e: unknown) => e,
    );
    expect(isMcpProtocolError(error)).toBe(true);
    expect(error).toMatchObject({ code: -32600 });
    expect(sunk).toBe(0);
  });

  it(`checks the signal every ${MESSAGES_PER_TURN} messages: an abort stops the handling`, async () => {
    const controller = new AbortController();
    const reason = new Error('attempt timed out');
    let sunk = 0;
    const sink = (): void => {
      sunk += 1;
      if (sunk === 10) controller.abort(reason);
    };
    await expect(read(jsonBatch(MAX_BATCH_MESSAGES - 1), sink, controller.signal)).rejects.toBe(
      reason,
    );
    expect(sunk).toBe(MESSAGES_PER_TURN);
  });
});
