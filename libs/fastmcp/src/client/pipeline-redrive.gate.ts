import { Inject, Injectable } from '@nestjs/common';
import type { RedriveGate } from '../dlq/replay/redrive-gate.interface.js';
import { CircuitBreakerPolicy } from '../pipeline/circuit-breaker.policy.js';
import { RateLimitPolicy } from '../pipeline/rate-limit.policy.js';
import { ServerPipelines } from '../pipeline/server-pipelines.js';

/**
 * Holds automatic redrives to a server whose circuit is open, and while its rate limit already
 * has calls waiting; a redrive's own attempts take rate-limit tokens like any call.
 */
@Injectable()
export class PipelineRedriveGate implements RedriveGate {
  constructor(@Inject(ServerPipelines) private readonly pipelines: ServerPipelines) {}

  holdReason(clientId: string): string | null {
    // A server with no policies now (never called, or forgotten) holds nothing back.
    for (const policy of this.pipelines.existing(clientId)) {
      if (policy instanceof CircuitBreakerPolicy && policy.blocking) return 'circuit open';
      if (policy instanceof RateLimitPolicy && policy.waiting > 0) return 'rate limit queue';
    }
    return null;
  }
}
