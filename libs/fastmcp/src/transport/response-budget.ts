import { Inject, Injectable } from '@nestjs/common';
import type { FastMcpErrorFields } from '../errors/fastmcp.error.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { AnswerMeter } from './answer-meter.js';
import type { HttpTarget } from './http-target.interface.js';

/**
 * The bytes every answer in flight may hold together (`maxBufferedResponseBytes`), shared by all
 * the module's servers, and the meter that holds each answer to its own `maxResponseBytes`.
 */
@Injectable()
export class ResponseBudget {
  private buffered = 0;

  constructor(@Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions) {}

  /** The budget, in bytes. */
  get limit(): number {
    return this.options.maxBufferedResponseBytes;
  }

  /** Bytes the answers in flight hold now. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** A meter for one answer from `target` (its resumed streams included). */
  meter(target: HttpTarget, fields: FastMcpErrorFields): AnswerMeter {
    return new AnswerMeter(target.maxResponseBytes ?? this.options.maxResponseBytes, this, fields);
  }

  /** Takes `bytes` from the budget; false, taking nothing, when that would pass it. */
  reserve(bytes: number): boolean {
    if (this.buffered + bytes > this.limit) return false;
    this.buffered += bytes;
    return true;
  }

  release(bytes: number): void {
    this.buffered = Math.max(0, this.buffered - bytes);
  }
}
