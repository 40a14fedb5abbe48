import type { IncomingMessage, ServerResponse } from 'node:http';
import { isFastMcpError } from '@app/fastmcp';
import {
  type CallHandler,
  ConflictException,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { errorReply } from '../errors/error-reply.js';
import {
  IDEMPOTENCY_KEY_HEADER,
  readIdempotencyKey,
  requestFingerprint,
} from './idempotency-key.js';
import { IdempotencyPolicy } from './idempotency-policy.js';
import {
  IDEMPOTENCY_RECORDS,
  type IdempotencyRecord,
  type IdempotencyRecords,
} from './idempotency-record.js';

/** Larger responses are not kept: a retry is told the call completed, and nothing runs again. */
export const IDEMPOTENT_RESPONSE_MAX_BYTES = 1024 * 1024;

/** Set on an answer given from the record of an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * Runs a request that sent an `Idempotency-Key` at most once: the first one runs and its
 * outcome is kept; the same request again gets that outcome (success or error) without running,
 * one still running gets a 409, and the key with another request a 422. An outcome that ran
 * nothing (a 4xx, or a 503: not sent) is not kept, so the request may be sent again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Sample');

  constructor(
    @Inject(IDEMPOTENCY_RECORDS) private readonly records: IdempotencyRecords,
    @Inject(IdempotencyPolicy) private readonly policy: IdempotencyPolicy,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<IncomingMessage & { params?: unknown; body?: unknown }>();
    const key = readIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === undefined) return next.handle();
    const fingerprint = requestFingerprint(request.params, request.body);
    const response = http.getResponse<ServerResponse>();
    return from(this.once(key, fingerprint, response, () => lastValueFrom(next.handle())));
  }

  private async once(
    key: string,
    fingerprint: string,
    response: ServerResponse,
    run: () => Promise<unknown>,
  ): Promise<unknown> {
    const running: IdempotencyRecord = {
      state: 'running',
      fingerprint,
      deadline: Date.now() + this.policy.runningMs,
    };
    const existing = await this.records
      .claim(key, running, this.policy.ttlMs)
      .catch((error: unknown) => {
        if (error instanceof HttpException) throw error;
        throw new ServiceUnavailableException(
          'the Idempotency-Key store is unreachable: the call was not sent',
        );
      });
    if (existing) return this.answerFrom(existing, fingerprint, response);
    let value: unknown;
    try {
      value = await run();
    } catch (error) {
      await this.settleFailure(key, fingerprint, error);
      throw error;
    }
    // The routes it guards answer 200 (@HttpCode).
    await this.keep(key, { state: 'done', fingerprint, status: HttpStatus.OK, body: value });
    return value;
  }

  private async settleFailure(key: string, fingerprint: string, error: unknown): Promise<void> {
    const { status, body } = errorReply(error, this.logger);
    if (ranNothing(status, error)) {
      await this.records.release(key).catch((cause: unknown) => this.keepFailed(cause));
      return;
    }
    await this.keep(key, { state: 'done', fingerprint, status, body });
  }

  /** Keeps the outcome; when the store fails, the running record stays and says "may have run". */
  private async keep(
    key: string,
    record: Extract<IdempotencyRecord, { state: 'done'; body: unknown }>,
  ): Promise<void> {
    const size = Buffer.byteLength(JSON.stringify(record.body) ?? '');
    const kept: IdempotencyRecord =
      size > IDEMPOTENT_RESPONSE_MAX_BYTES
        ? { state: 'done', fingerprint: record.fingerprint, status: record.status, tooLarge: true }
        : record;
    await this.records
      .finish(key, kept, this.policy.ttlMs)
      .catch((cause: unknown) => this.keepFailed(cause));
  }

  private keepFailed(cause: unknown): void {
    this.logger.warn(
      `Could not record the outcome of a call with an Idempotency-Key (${(cause as Error).message}): ` +
        'a retry with that key will be told it may have run',
    );
  }

  private answerFrom(
    record: IdempotencyRecord,
    fingerprint: string,
    response: ServerResponse,
  ): unknown {
    if (record.fingerprint !== fingerprint) {
      throw new UnprocessableEntityException(
        'this Idempotency-Key was used for another request (another client id, tool or body)',
      );
    }
    if (record.state === 'running') {
      if (Date.now() < record.deadline) {
        response.setHeader('Retry-After', '1');
        throw new ConflictException(
          'a request with this Idempotency-Key is still running: send it again later',
        );
      }
      throw new ConflictException(
        'the request with this Idempotency-Key did not finish (its instance stopped): it may have run, so it is not run again',
      );
    }
    if ('tooLarge' in record) {
      throw new ConflictException(
        `the request with this Idempotency-Key completed with HTTP ${record.status}, but its response was too large to keep: it is not run again`,
      );
    }
    response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    if (record.status >= 400) throw new HttpException(record.body as object, record.status);
    return record.body;
  }
}

/**
 * A 4xx was refused before the call; a 503 was not sent (circuit open, rate limit, shutdown),
 * unless a shutdown cut it off after its request went out.
 */
function ranNothing(status: number, error: unknown): boolean {
  if (status < 500) return true;
  const mayHaveRun = isFastMcpError(error) && error.delivery === 'unknown';
  return status === Number(HttpStatus.SERVICE_UNAVAILABLE) && !mayHaveRun;
}
