import { type JsonRpcMessageInfo } from './json-rpc-body.js';

/** Decides which `tools/call` requests for the `flaky` tool get HTTP 503, per server instance. */
export class FlakyGate {
  private remaining: number;
  private served = 0;

  constructor(
    failures: number,
    private readonly toolName = 'flaky',
  ) {
    this.remaining = failures;
  }

  /** True (and counts one failure) when this request must be answered 503. */
  shouldFail(messages: readonly JsonRpcMessageInfo[]): boolean {
    const hit = messages.some((m) => m.method === 'tools/call' && m.toolName === this.toolName);
    if (!hit || this.remaining <= 0) return false;
    this.remaining -= 1;
    this.served += 1;
    return true;
  }

  reset(failures: number): void {
    this.remaining = failures;
    this.served = 0;
  }

  remainingFailures(): number {
    return this.remaining;
  }

  /** Failures answered since the last reset. */
  failuresServed(): number {
    return this.served;
  }
}
