import { AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { deliveryOf } from '../retry/delivery.js';
import type { RetryRun } from '../retry/retry-run.js';
import { AxiosErrorConverter } from './axios-error.converter.js';
import { UpstreamText } from './upstream-text.js';

const run = {
  clientId: 'p',
  operation: 'call_tool',
  explainAbort: (error: unknown) => error,
} as unknown as RetryRun;
const converter = new AxiosErrorConverter(
  run,
  true,
  [502, 503, 504],
  new UpstreamText({ url: 'http://127.0.0.1:1/mcp', headers: {} }),
);

/** What axios throws for a connection that failed with `code`, its request written or not. */
const failed = (code: string, writableFinished: boolean): AxiosError =>
  AxiosError.from(Object.assign(new Error(code), { code }), code, {} as never, {
    writableFinished,
  });

const deliveryAfter = async (code: string, written: boolean) =>
  deliveryOf(await converter.convert(failed(code, written)), []);

describe('AxiosErrorConverter: a connection that failed without an answer', () => {
  // Linux reports an ICMP unreachable on an established connection as the error it dies with.
  it.each(['ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'])(
    'after the request was written, %s may have run',
    async (code) => {
      expect(await deliveryAfter(code, true)).toBe('unknown');
    },
  );

  it.each(['ECONNRESET', 'EHOSTUNREACH', 'ECONNREFUSED', 'ENOTFOUND'])(
    'before it was written, %s was not delivered',
    async (code) => {
      expect(await deliveryAfter(code, false)).toBe('not_delivered');
    },
  );
});
