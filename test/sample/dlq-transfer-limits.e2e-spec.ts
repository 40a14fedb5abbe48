import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DeadLetterQueueService,
  type DlqFilter,
  type DlqImportResult,
  type FailedOperation,
} from '@app/fastmcp';
import { DlqIdGenerator } from '../../libs/fastmcp/src/dlq/core/dlq-id.js';
import { MiB } from '../support/heap-peak.js';
import {
  bodyOf,
  type SampleTestApp,
  startSampleApp,
  TEST_API_KEY,
} from './support/sample-test-app.js';

const NDJSON = { 'content-type': 'application/x-ndjson', 'x-api-key': TEST_API_KEY };

interface StreamedReply {
  status: number;
  body: Record<string, unknown>;
  /** Body bytes the client had handed to its socket when the answer came. */
  sentBeforeAnswer: number;
}

/** `chunk` again and again, `total` bytes in all, made only as the request pulls them. */
function* repeated(chunk: Buffer, total: number): Generator<Buffer> {
  for (let made = 0; made < total; made += chunk.length) yield chunk;
}

/**
 * POSTs a body streamed from `chunks` and resolves with the answer. The server may close the
 * connection while the rest of the body is still on its way: once the answer is in, that is fine.
 */
function postStream(port: number, chunks: Iterable<Buffer>): Promise<StreamedReply> {
  let sent = 0;
  const body = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        sent += chunk.length;
        yield chunk;
      }
    })(),
  );
  return new Promise((resolve, reject) => {
    const post = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/dlq/import',
      headers: NDJSON,
    });
    post.on('error', reject);
    post.on('response', (response) => {
      const sentBeforeAnswer = sent;
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('error', reject);
      response.on('end', () => {
        body.destroy();
        const text = Buffer.concat(parts).toString('utf8');
        resolve({
          status: response.statusCode ?? 0,
          body: JSON.parse(text) as Record<string, unknown>,
          sentBeforeAnswer,
        });
      });
    });
    body.pipe(post);
  });
}

describe('sample DLQ import/export against hostile clients (memory store)', () => {
  let sample: SampleTestApp;
  let port: number;

  beforeAll(async () => {
    sample = await startSampleApp({ FASTMCP_DLQ: 'memory' });
    port = (sample.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await sample?.close();
  });

  const importNdjson = (text: string) =>
    sample.http.post('/dlq/import').set(NDJSON).send(text).timeout(5000);
  const importEncoded = (encoding: string, body: Buffer) =>
    sample.http
      .post('/dlq/import')
      .set(NDJSON)
      .set('content-encoding', encoding)
      .send(body)
      .timeout(10_000);

  it('POST /dlq/import answers 400 on a line past 1 MiB without reading the rest of it', async () => {
    // 96 MiB with no newline, never held by the test: the answer must come long before its end.
    const reply = await postStream(port, repeated(Buffer.alloc(64 * 1024, 'x'), 96 * MiB));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ message: 'import line 1 over 1048576 bytes' });
    expect(reply.sentBeforeAnswer).toBeLessThan(32 * MiB);
    // The app is still up and the connection was not left half-read.
    await importNdjson('\n').expect(200, { imported: 0, skipped: 0, invalid: [], invalidCount: 0 });
  });

  it('POST /dlq/import names the line of each bad value in the body, blank lines counted (whitespace too)', async () => {
    const reason = 'invalid DLQ entry: expected a JSON object per line';
    await importNdjson('\n\n[1]\n \t\r\n\nnot json\n"text"\n\n').expect(200, {
      imported: 0,
      skipped: 0,
      invalid: [
        { line: 3, reason },
        { line: 6, reason },
        { line: 7, reason },
      ],
      invalidCount: 3,
    });
  });

  it('POST /dlq/import of junk lists the first 100 bad values, counts them, stops after 1,000', async () => {
    const ids = new DlqIdGenerator();
    const entry = JSON.stringify({ id: ids.next(Date.now()), operation: 'connect', clientId: 'j' });
    // An entry, then 5,000 bad values with a blank line after each: line 2k+1 is the k-th bad one.
    const text = `${entry}\n${'1\n\n'.repeat(5000)}`;
    const response = await importNdjson(text).expect(200);
    const body = response.body as DlqImportResult;
    expect(body).toMatchObject({ imported: 1, skipped: 0, invalidCount: 1000 });
    expect(body.invalid).toHaveLength(100);
    expect(body.invalid.at(-1)).toEqual({
      line: 200,
      reason: 'invalid DLQ entry: expected a JSON object per line',
    });
    expect(body.stoppedAtLine).toBe(2000);
  });

  it('POST /dlq/import answers 400 with a message, not a reset, on a body past 64 MiB', async () => {
    // 130 lines of 512 KiB (65 MiB): each line is allowed, the whole is not.
    const line = Buffer.alloc(512 * 1024, 'x');
    line[line.length - 1] = 0x0a;
    const reply = await postStream(port, repeated(line, 130 * line.length));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ message: `import body over ${64 * MiB} bytes` });
    await importNdjson('').expect(200);
  });

  it('POST /dlq/import answers 415 at once to a body that is not application/x-ndjson', async () => {
    const cases: [string | undefined, string][] = [
      ['application/json', '{"id":"01M8J5MXRZBV8JNQDE8V8AVJ8M"}'],
      ['application/json', '{}'],
      ['application/json', ''],
      ['text/plain', '{}\n'],
      [undefined, ''],
    ];
    for (const [type, text] of cases) {
      const post = sample.http.post('/dlq/import').set(sample.auth).timeout(3000);
      if (type !== undefined) post.set('content-type', type);
      const response = await post.send(text).expect(415);
      expect(bodyOf(response).message).toBe(
        'send the import as application/x-ndjson (what GET /dlq/export gives)',
      );
    }
  });

  it('POST /dlq/import reads a gzip, deflate or br body; limits count the decompressed bytes', async () => {
    const ids = new DlqIdGenerator();
    const entry = (clientId: string): string =>
      JSON.stringify({
        id: ids.next(Date.now()),
        operation: 'call_tool',
        clientId,
        toolName: 'echo',
      });
    const encoders: Record<string, (text: string) => Buffer> = {
      gzip: (text) => gzipSync(text),
      deflate: (text) => deflateSync(text),
      br: (text) => brotliCompressSync(text),
    };
    for (const [encoding, encode] of Object.entries(encoders)) {
      const text = `${entry(`zip-${encoding}`)}\n\nnot json\n${entry(`zip-${encoding}`)}\n`;
      const response = await importEncoded(encoding, encode(text)).expect(200);
      expect(response.body).toEqual({
        imported: 2,
        skipped: 0,
        invalid: [{ line: 3, reason: 'invalid DLQ entry: expected a JSON object per line' }],
        invalidCount: 1,
      });
    }
    const dlq = sample.app.get(DeadLetterQueueService);
    expect((await dlq.getStats()).byClientId).toMatchObject({
      'zip-gzip': 2,
      'zip-deflate': 2,
      'zip-br': 2,
    });

    // 65 MiB of blank lines is 65 KiB of gzip: refused by the 64 MiB cap all the same.
    const bomb = gzipSync(Buffer.alloc(65 * MiB, '\n'));
    expect(bomb.length).toBeLessThan(MiB);
    const refused = await importEncoded('gzip', bomb).expect(400);
    expect(bodyOf(refused).message).toBe(`import body over ${64 * MiB} bytes`);

    const corrupt = await importEncoded('gzip', Buffer.from('not gzip at all')).expect(400);
    expect(bodyOf(corrupt).message).toBe('body not decodable: incorrect header check');
    const unknown = await importEncoded('compress', Buffer.from('x')).expect(415);
    expect(bodyOf(unknown).message).toBe(
      'unsupported content encoding "compress": send gzip, deflate, br or none',
    );
    await importNdjson('\n').expect(200, { imported: 0, skipped: 0, invalid: [], invalidCount: 0 });
  });

  it('POST /dlq/import answers 415 to an encoding named after an Object member, and stays up', async () => {
    // `constructor` once passed as a decoder: a 500, then the process died as the body ended.
    for (const encoding of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const refused = await importEncoded(encoding, Buffer.from('{}\n')).expect(415);
      expect(bodyOf(refused).message).toBe(
        `unsupported content encoding "${encoding.toLowerCase()}": send gzip, deflate, br or none`,
      );
    }
    await sleep(1_500);
    await importNdjson('\n').expect(200, { imported: 0, skipped: 0, invalid: [], invalidCount: 0 });
  });

  it('POST /dlq/import cut short by its client keeps what it read and logs one warning, no error', async () => {
    const ids = new DlqIdGenerator();
    const entry = () =>
      JSON.stringify({
        id: ids.next(Date.now()),
        operation: 'call_tool',
        clientId: 'cut-import',
        toolName: 'echo',
      });
    const [first, second] = [entry(), entry()];
    const dlq = sample.app.get(DeadLetterQueueService);
    const client = connect(port, '127.0.0.1');
    client.write(
      'POST /dlq/import HTTP/1.1\r\nhost: test\r\ncontent-type: application/x-ndjson\r\n' +
        `x-api-key: ${TEST_API_KEY}\r\ncontent-length: 1000000\r\n\r\n${first}\n${second}\n`,
    );
    const storedIds = [first, second].map((line) => (JSON.parse(line) as { id: string }).id);
    await vi.waitUntil(async () => (await dlq.get(storedIds[1])) !== null, { timeout: 5000 });
    client.destroy();

    await vi.waitUntil(
      () => sample.logger.lines.some((l) => l.message.includes('import stopped')),
      {
        timeout: 5000,
      },
    );
    expect(sample.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    for (const id of storedIds) expect(await dlq.get(id)).toMatchObject({ clientId: 'cut-import' });
  });

  it('GET /dlq/export stops reading the store when the client leaves without reading', async () => {
    // 50 entries of 200 KiB (10 MB): more than the socket buffers hold.
    const ids = new DlqIdGenerator();
    const blob = 'y'.repeat(200 * 1024);
    const lines = Array.from({ length: 50 }, () =>
      JSON.stringify({
        id: ids.next(Date.now()),
        operation: 'call_tool',
        clientId: 'export-test',
        toolName: 'echo',
        arguments: { blob },
      }),
    );
    await importNdjson(lines.join('\n')).expect(200, {
      imported: 50,
      skipped: 0,
      invalid: [],
      invalidCount: 0,
    });

    const dlq = sample.app.get(DeadLetterQueueService);
    const exportEntries = dlq.export.bind(dlq);
    let finished = false;
    const spy = vi.spyOn(dlq, 'export').mockImplementation(async function* (filter?: DlqFilter) {
      try {
        yield* exportEntries(filter);
      } finally {
        finished = true;
      }
    } as (filter?: DlqFilter) => AsyncGenerator<FailedOperation>);
    try {
      const client = connect(port, '127.0.0.1');
      client.write(
        `GET /dlq/export?clientId=export-test HTTP/1.1\r\nhost: test\r\nx-api-key: ${TEST_API_KEY}\r\n\r\n`,
      );
      await once(client, 'data');
      client.destroy();
      for (let waited = 0; !finished && waited < 3000; waited += 20) await sleep(20);
      expect(finished).toBe(true);
    } finally {
      spy.mockRestore();
    }
    expect(sample.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    await sample.http.get('/dlq?limit=1').set(sample.auth).expect(200);
  });
});
