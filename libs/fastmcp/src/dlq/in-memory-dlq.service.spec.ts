import { describe, expect, it } from 'vitest';
import { dlqContract } from '../../../../test/support/dlq/dead-letter-queue.contract.js';
import {
  bootDlq,
  type DlqInstance,
  FakeReplayer,
  TestClock,
} from '../../../../test/support/dlq/dlq-test-context.js';
import { DEAD_LETTER_QUEUE } from './dead-letter-queue.interface.js';
import { InMemoryDlqService } from './in-memory-dlq.service.js';
import { RedisDlqService } from './redis-dlq.service.js';

dlqContract('InMemoryDlqService', {
  open: (options, clock, replayer) => {
    let instance: Promise<DlqInstance> | undefined;
    return Promise.resolve({
      // One process, one store: a second "instance" is the same service.
      boot: () => (instance ??= bootDlq({ ...options, store: 'memory' }, clock, replayer)),
      sweep: (booted) => Promise.resolve((booted.dlq as InMemoryDlqService).sweepExpired()),
    });
  },
});

describe('dlqProviders', () => {
  it('provides the in-memory store under its class and DEAD_LETTER_QUEUE by default', async () => {
    const { module, dlq } = await bootDlq({}, new TestClock(), new FakeReplayer());
    expect(dlq).toBeInstanceOf(InMemoryDlqService);
    expect(module.get(InMemoryDlqService)).toBe(dlq);
    expect(module.get(RedisDlqService)).toBeNull();
    await module.close();
  });

  it('provides null under DEAD_LETTER_QUEUE with dlq: false', async () => {
    const { module } = await bootDlq(false, new TestClock(), new FakeReplayer());
    expect(module.get(DEAD_LETTER_QUEUE)).toBeNull();
    expect(module.get(InMemoryDlqService)).toBeNull();
    await module.close();
  });
});
