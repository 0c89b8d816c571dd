/**
 * The Prometheus files of docker/ pass promtool: the config and its rule files check, the rules'
 * unit tests pass, and every alert carries what an on-call reader needs and has a test that makes
 * it fire and one that keeps it silent.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { prometheusBinaries } from '../../scripts/infra/prometheus.js';
import { PROMETHEUS_CONFIG_FILE, readRules, RULE_TESTS_FILE, RULES_FILE } from '../helpers/monitoring-files.js';
import { withBoolComparisons } from '../helpers/promql.js';

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(prometheusBinaries().promtool, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface AlertTest {
  alertname: string;
  exp_alerts?: unknown[];
}

describe('prometheus config and rules', () => {
  it('promtool check config accepts prometheus.yml and finds the rule file', () => {
    const { status, output } = promtool('check', 'config', PROMETHEUS_CONFIG_FILE);
    expect(status, output).toBe(0);
    expect(output).toMatch(/SUCCESS: 1 rule files found/);
    expect(output).toContain('vpcflow.rules.yml');
  });

  it('promtool check rules accepts the rules', () => {
    const { status, output } = promtool('check', 'rules', RULES_FILE);
    expect(status, output).toBe(0);
    expect(output).toMatch(new RegExp(`SUCCESS: ${readRules().length} rules found`));
  });

  it('promtool test rules passes', () => {
    const { status, output } = promtool('test', 'rules', RULE_TESTS_FILE);
    expect(status, output).toBe(0);
    expect(output).toMatch(/SUCCESS/);
  });

  it('every alert has a severity, a summary and a runbook, and a firing and a silent test', () => {
    const tests = (parseYaml(readFileSync(RULE_TESTS_FILE, 'utf8')) as { tests: { alert_rule_test?: AlertTest[] }[] }).tests.flatMap((t) => t.alert_rule_test ?? []);
    const alerts = readRules().filter((rule) => rule.alert);
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'VpcflowExporterDown',
      'VpcflowLateRecords',
      'VpcflowParseErrors',
      'VpcflowRejectSpike',
      'VpcflowSkipdata',
      'VpcflowTrafficSpike',
      'VpcflowWatermarkLagGrowing',
    ]);
    for (const alert of alerts) {
      expect(alert.labels?.severity, alert.alert).toMatch(/^(warning|critical)$/);
      expect(alert.annotations?.summary, alert.alert).toBeTruthy();
      expect(alert.annotations?.runbook?.length ?? 0, `${alert.alert} runbook`).toBeGreaterThan(80);
      const cases = tests.filter((t) => t.alertname === alert.alert);
      expect(cases.some((t) => (t.exp_alerts ?? []).length > 0), `${alert.alert} has a test where it fires`).toBe(true);
      expect(cases.some((t) => (t.exp_alerts ?? []).length === 0), `${alert.alert} has a test where it stays silent`).toBe(true);
    }
  });

  it('turns comparisons into bool comparisons for the live test, leaving matchers and strings alone', () => {
    expect(withBoolComparisons('a{job!="x",le=~"<1"} > 3 * b and c >= bool 1')).toBe('a{job!="x",le=~"<1"} > bool 3 * b and c >= bool 1');
    expect(withBoolComparisons('up{job="vpcflow"} == 0')).toBe('up{job="vpcflow"} == bool 0');
    expect(withBoolComparisons('x < 1 or y != 2')).toBe('x < bool 1 or y != bool 2');
  });
});
