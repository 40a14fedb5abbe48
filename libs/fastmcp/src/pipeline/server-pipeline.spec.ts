import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../errors/circuit-open.error.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import type { Admission, AttemptPolicy } from './attempt-policy.interface.js';
import { ServerPipeline } from './server-pipeline.js';

const ATTEMPT = { server: 's', operation: 'call_tool' } as const;

/** A policy that records what it hears, and admits or refuses as told. */
function recorder(name: string, log: string[], admission?: () => Admission): AttemptPolicy {
  return {
    admit: () => {
      log.push(`${name}.admit`);
      const decided = admission?.() ?? { admitted: true };
      return decided.admitted
        ? { admitted: true, release: () => void log.push(`${name}.release`) }
        : decided;
    },
    onSuccess: () => void log.push(`${name}.success`),
    onFailure: (_attempt, error, delivery) =>
      void log.push(`${name}.failure:${error.message}:${delivery}`),
    allowRetry: () => ({ allowed: true }),
  };
}

describe('ServerPipeline (policies composed)', () => {
  it('admits through every policy in order and releases in reverse', async () => {
    const log: string[] = [];
    const pipeline = new ServerPipeline([recorder('a', log), recorder('b', log)]);
    const release = await pipeline.admit(ATTEMPT);
    pipeline.succeeded(ATTEMPT);
    pipeline.failed(ATTEMPT, new McpHttpError(502), 'unknown');
    release();
    expect(log).toEqual([
      'a.admit',
      'b.admit',
      'a.success',
      'b.success',
      'a.failure:HTTP 502:unknown',
      'b.failure:HTTP 502:unknown',
      'b.release',
      'a.release',
    ]);
  });

  it('a refusal stops the chain and gives back what earlier policies granted', async () => {
    const log: string[] = [];
    const refusal = new CircuitOpenError('s', 0);
    const pipeline = new ServerPipeline([
      recorder('a', log),
      recorder('b', log, () => ({ admitted: false, error: refusal })),
      recorder('c', log),
    ]);
    await expect(pipeline.admit(ATTEMPT)).rejects.toBe(refusal);
    expect(log).toEqual(['a.admit', 'b.admit', 'a.release']);
  });

  it('the first policy that vetoes a retry decides', () => {
    const veto: AttemptPolicy = { allowRetry: () => ({ allowed: false, reason: 'empty' }) };
    const never: AttemptPolicy = {
      allowRetry: () => {
        throw new Error('not asked after a veto');
      },
    };
    expect(new ServerPipeline([veto, never]).allowRetry(ATTEMPT)).toEqual({
      allowed: false,
      reason: 'empty',
    });
    expect(new ServerPipeline([]).allowRetry(ATTEMPT)).toEqual({ allowed: true });
  });

  it("hands each policy back the stamp it admitted the attempt with; a refused attempt's, none", async () => {
    const heard: Array<number | undefined> = [];
    const stamping = (stamp: number | undefined): AttemptPolicy => ({
      admit: () => ({ admitted: true, stamp }),
      onSuccess: (_attempt, given) => void heard.push(given),
      onFailure: (_attempt, _error, _delivery, given) => void heard.push(given),
    });
    let refuse = false;
    const gate: AttemptPolicy = {
      admit: () =>
        refuse ? { admitted: false, error: new McpHttpError(429) } : { admitted: true },
    };
    const pipeline = new ServerPipeline([stamping(7), stamping(undefined), gate]);
    await pipeline.admit(ATTEMPT);
    pipeline.succeeded(ATTEMPT);
    pipeline.failed(ATTEMPT, new McpHttpError(502), 'unknown');
    refuse = true;
    await expect(pipeline.admit(ATTEMPT)).rejects.toThrow('HTTP 429');
    pipeline.failed(ATTEMPT, new McpHttpError(429), 'not_delivered');
    expect(heard).toEqual([7, undefined, 7, undefined, undefined, undefined]);
  });
});
