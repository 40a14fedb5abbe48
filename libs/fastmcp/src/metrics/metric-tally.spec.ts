import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { adderOf, talliedMetric } from './metric-tally.js';

function talliedCounter(registry: Registry): Counter<string> {
  const common = { name: 'ops_total', help: 'x', labelNames: ['operation', 'status'] };
  return talliedMetric(
    (collect) => new Counter({ ...common, registers: [registry], collect }),
    'counter',
  );
}

function talliedGauge(registry: Registry): Gauge<string> {
  const common = { name: 'inflight', help: 'x', labelNames: ['operation'] };
  return talliedMetric(
    (collect) => new Gauge({ ...common, registers: [registry], collect }),
    'gauge',
  );
}

async function valueOf(metric: Counter<string> | Gauge<string>, labels: object): Promise<number> {
  const { values } = await metric.get();
  return values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? NaN;
}

describe('MetricTally', () => {
  it('writes a counter’s additions in once, on the read that follows them', async () => {
    const counter = talliedCounter(new Registry());
    const adder = adderOf(counter);
    const success = Object.freeze({ operation: 'call_tool', status: 'success' });
    adder.add(success, 1);
    adder.add(success, 1);
    expect(await valueOf(counter, success)).toBe(2);
    expect(await valueOf(counter, success)).toBe(2);
    adder.add(success, 1);
    expect(await valueOf(counter, success)).toBe(3);
  });

  it('keeps a gauge’s level across reads', async () => {
    const registry = new Registry();
    const gauge = talliedGauge(registry);
    const adder = adderOf(gauge);
    const labels = Object.freeze({ operation: 'connect' });
    adder.add(labels, 1);
    adder.add(labels, 1);
    expect(await registry.metrics()).toContain('inflight{operation="connect"} 2\n');
    adder.add(labels, -1);
    expect(await valueOf(gauge, labels)).toBe(1);
    expect(await valueOf(gauge, labels)).toBe(1);
  });

  it('counts equal labels from different objects, in any key order, as one series', async () => {
    const gauge = talliedGauge(new Registry());
    const counter = talliedCounter(new Registry());
    adderOf(gauge).add({ operation: 'list_tools' }, 1);
    adderOf(gauge).add({ operation: 'list_tools' }, 1);
    adderOf(counter).add({ operation: 'list_tools', status: 'error' }, 1);
    adderOf(counter).add({ status: 'error', operation: 'list_tools' }, 1);
    expect(await valueOf(gauge, { operation: 'list_tools' })).toBe(2);
    expect((await counter.get()).values).toEqual([
      { labels: { operation: 'list_tools', status: 'error' }, value: 2 },
    ]);
  });

  it('reads a label object that is not frozen anew each time', async () => {
    const counter = talliedCounter(new Registry());
    const labels = { operation: 'call_tool', status: 'success' };
    adderOf(counter).add(labels, 1);
    labels.status = 'error';
    adderOf(counter).add(labels, 1);
    adderOf(counter).add(labels, 1);
    expect(await valueOf(counter, { operation: 'call_tool', status: 'success' })).toBe(1);
    expect(await valueOf(counter, { operation: 'call_tool', status: 'error' })).toBe(2);
  });

  it('adds straight into a metric made without a tally', async () => {
    const counter = new Counter({
      name: 'plain_total',
      help: 'x',
      labelNames: ['operation'],
      registers: [new Registry()],
    });
    adderOf(counter).add({ operation: 'connect' }, 1);
    expect(await valueOf(counter, { operation: 'connect' })).toBe(1);
  });
});
