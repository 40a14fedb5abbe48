import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastMcpModuleOptions } from '../../libs/fastmcp/src/options/fastmcp-options.interface.js';
import { createMetricsTestModule } from '../support/metrics/metrics-test-module.js';
import { checkMetricsText, hasPromtool, promtool } from '../support/metrics/promtool.js';
import { emitScriptedRun } from '../support/metrics/scripted-run.js';

const deploy = (path: string): string =>
  fileURLToPath(new URL(`../../deploy/${path}`, import.meta.url));
const RULES = deploy('prometheus/fastmcp-alerts.rules.yml');
const RULE_TESTS = deploy('prometheus/fastmcp-alerts.test.yml');
const DASHBOARD = deploy('grafana/fastmcp-dashboard.json');

interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
}

async function scriptedRunText(options?: FastMcpModuleOptions): Promise<string> {
  const { moduleRef, events, registry } = await createMetricsTestModule({ options });
  try {
    emitScriptedRun(events, 'client-1');
    emitScriptedRun(events, 'client-2');
    return await registry.metrics();
  } finally {
    await moduleRef.close();
  }
}

describe('deploy/ with promtool', () => {
  let scratch = '';

  beforeAll(() => {
    if (!hasPromtool()) {
      throw new Error("promtool is missing: install Debian's prometheus package (.ci/run does)");
    }
    scratch = mkdtempSync(join(tmpdir(), 'fastmcp-promtool-'));
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('accepts the alert rules', () => {
    const run = promtool(['check', 'rules', RULES]);
    expect(run.output).toContain('SUCCESS: 7 rules found');
    expect(run.status).toBe(0);
  });

  it('has an alert of each kind, each with a unit test that makes it fire', () => {
    const alerts = [
      'FastMcpHighRetryRate',
      'FastMcpDlqGrowing',
      'FastMcpDlqStoreFailing',
      'FastMcpDlqLostToLog',
      'FastMcpDlqOldestEntryTooOld',
      'FastMcpSuccessRateDrop',
      'FastMcpCircuitOpen',
    ];
    const named = (text: string, key: string): string[] =>
      [...text.matchAll(new RegExp(`^\\s*-? ?${key}: (\\w+)$`, 'gm'))].map((m) => m[1]);
    expect(named(readFileSync(RULES, 'utf8'), 'alert')).toEqual(alerts);
    const tested = readFileSync(RULE_TESTS, 'utf8');
    for (const alert of alerts) {
      expect({
        alert,
        tested: tested.includes(`alertname: ${alert}\n        exp_alerts:\n          -`),
      }).toEqual({ alert, tested: true });
    }
  });

  it('passes the alert unit tests (each alert fires and stays quiet)', () => {
    const run = promtool(['test', 'rules', RULE_TESTS]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it.each<[string, FastMcpModuleOptions | undefined]>([
    ['the defaults', undefined],
    [
      'a namespace and the client_id label',
      { metrics: { namespace: 'acme', clientIdLabel: true } },
    ],
  ])('lints the /metrics text of a scripted run with %s', async (_, options) => {
    const text = await scriptedRunText(options);
    expect(text).toContain('_retry_attempts_total{');
    expect(checkMetricsText(text)).toEqual({ status: 0, output: '' });
  });

  it('has the dashboard panels, each query valid PromQL', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
    expect(dashboard.panels.map((p) => p.title)).toEqual(
      expect.arrayContaining([
        'Retry rate',
        'Success rate',
        'DLQ size',
        'Operation latency p50 / p95 / p99',
        'Backoff duration',
        'Operations by status',
        'DLQ activity',
        'Circuit state',
        'DLQ redrives',
      ]),
    );
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.join('\n')).toContain('${ns}_circuit_state{');
    expect(exprs.join('\n')).toContain('${ns}_dlq_redrives_total{');
    expect(exprs.join('\n')).toContain('${ns}_dlq_buffered_entries{');
    expect(exprs.join('\n')).toContain('${ns}_dlq_lost_to_log_total{');
    const rules = exprs.map((expr, i) => ({
      record: `fastmcp:dashboard_query_${i}`,
      expr: expr
        .replaceAll('${ns}', 'fastmcp')
        .replaceAll('$__rate_interval', '5m')
        .replaceAll('$job', '.*'),
    }));
    const file = join(scratch, 'dashboard-queries.rules.yml');
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const run = promtool(['check', 'rules', file]);
    expect(run.output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(run.status).toBe(0);
  });
});
