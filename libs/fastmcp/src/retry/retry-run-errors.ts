import type { Delivery, FastMcpError } from '../errors/fastmcp.error.js';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';
import { McpDeliveryUnknownError } from '../errors/mcp-delivery-unknown.error.js';
import {
  isMcpResponseTooLargeError,
  McpResponseTooLargeError,
} from '../errors/mcp-response-too-large.error.js';
import { isMcpTimeoutError, McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted.error.js';
import type { OperationName } from '../events/operation-name.js';
import { withDelivery } from './with-delivery.js';

/** A budget that ran out before the attempt's request was sent. */
export const NOT_SENT = { delivery: 'not_delivered' } as const;

/** The errors a run ends with, each naming the run's client id and operation. */
export class RetryRunErrors {
  constructor(
    private readonly clientId: string,
    private readonly operation: OperationName,
    private readonly budgetMs: number,
    /** What aborted the call, and why (the caller's signal, or the module's shutdown). */
    private readonly stop: { readonly reason: unknown } | undefined,
  ) {}

  context(): { clientId: string; operation: OperationName } {
    return { clientId: this.clientId, operation: this.operation };
  }

  /** The caller aborted; `delivery` unknown when a request not safe to repeat was out. */
  aborted(delivery?: 'unknown'): McpAbortedError {
    const cause: unknown = this.stop?.reason;
    return new McpAbortedError({ ...this.context(), cause, ...(delivery ? { delivery } : {}) });
  }

  /** The budget ran out; `delivery` where it is known (before a request went out). */
  budget(cause: unknown, fields: { detail?: string; delivery?: Delivery } = {}): McpTimeoutError {
    return new McpTimeoutError('budget', this.budgetMs, { ...this.context(), cause, ...fields });
  }

  /**
   * The same failure with delivery `unknown`, for a request not safe to repeat: a budget that ran
   * out while it was out, an answer to it too large to hold, one that failed for good (an HTTP
   * status not retried, an answer that is not valid MCP, a JSON-RPC error), or the one attempt of
   * a call without retries (a timeout, a cut stream): the server may have run it. Its dead letter
   * then needs `force` to run again.
   */
  deliveryUnknown(error: FastMcpError): FastMcpError {
    const fields = {
      ...this.context(),
      cause: error.cause,
      status: error.status,
      delivery: 'unknown' as const,
    };
    if (isMcpTimeoutError(error) && error.scope === 'budget') {
      return new McpTimeoutError('budget', error.timeoutMs, fields);
    }
    if (isMcpResponseTooLargeError(error)) {
      return new McpResponseTooLargeError(error.limit, error.limitBytes, fields);
    }
    return withDelivery(error, 'unknown', this.operation);
  }

  /** No retry left: `attempts` attempts in `elapsedMs`, the last one failing with `last`. */
  exhausted(attempts: number, elapsedMs: number, last: FastMcpError): RetryExhaustedError {
    return new RetryExhaustedError(attempts, elapsedMs, last, this.context());
  }

  /** A retry withheld: the failed request may have run, and the tool is not safe to repeat. */
  withheld(toolName: string | undefined, error: FastMcpError): McpDeliveryUnknownError {
    return new McpDeliveryUnknownError(toolName, error, this.context());
  }
}
