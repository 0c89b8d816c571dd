/**
 * A real Prometheus (Debian's package) scrapes a running vpcflow on the demo feed, with the
 * compose stack's config and rules (targets and intervals made local). Through the HTTP API:
 * every dashboard variable has values, every panel query returns data, every rule evaluates
 * without error and returns data, and promtool finds no problem in /metrics.
 *
 * Alert expressions are conditions, silent on a healthy demo feed; they are queried with their
 * comparisons made `bool` (see withBoolComparisons), which returns 0 or 1 wherever every operand
 * has data and the labels match: a typo in a metric or label name, or a mismatched join, leaves
 * that query empty. Short windows (10 s, out-of-orderness 5 s, lateness 1 s) close the first
 * windows within about 20 s.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, prometheusBinaries, startPrometheus, type PrometheusServer } from '../../scripts/infra/prometheus.js';
import { exited, startCli } from '../helpers/cli.js';
import { localPrometheusConfig, readRules } from '../helpers/monitoring-files.js';
import { labelValuesQuery, panelQueries, readDashboard, regexOf, substitute, withBoolComparisons, type NamedQuery } from '../helpers/promql.js';

const WINDOW = '10s';
// Each test waits at most this long for data, and fails with the list of queries that had none.
const DEADLINE_MS = 50_000;
const TEST_TIMEOUT_MS = DEADLINE_MS + 10_000;

const dir = mkdtempSync(join(tmpdir(), 'vpcflow-prometheus-live-'));
let vpcflow: { child: ChildProcess; url: string; output: () => string } | undefined;
let prometheus: PrometheusServer | undefined;

interface ApiResponse<T> {
  status: 'success' | 'error';
  error?: string;
  data: T;
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${prometheus!.url}${path}`, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as ApiResponse<T>;
  if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
  return body.data;
}

async function hasData(query: string): Promise<boolean> {
  const data = await api<{ result: unknown[] }>(`/api/v1/query?query=${encodeURIComponent(query)}`);
  return data.result.length > 0;
}

/**
 * Polls until each query has returned data once (a top-K list can be empty for one window and
 * full for the next) or the deadline passes; returns the queries that never did. A query
 * Prometheus rejects fails at once.
 */
async function withoutData(queries: readonly NamedQuery[], deadline: number): Promise<NamedQuery[]> {
  let pending = [...queries];
  while (pending.length > 0 && Date.now() < deadline) {
    const answered = await Promise.all(pending.map((q) => hasData(q.query).catch((error: Error) => Promise.reject(new Error(`${q.name}: ${q.query}\n${error.message}`)))));
    pending = pending.filter((_, i) => !answered[i]);
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return pending;
}

beforeAll(async () => {
  vpcflow = await startCli([
    'run',
    '--listen', '127.0.0.1:0',
    '--log-format', 'json',
    '--workers', '2',
    '--windows', `${WINDOW},1m`,
    '--out-of-orderness', '5s',
    '--allowed-lateness', '1s',
    '--price-per-gb', 'internet=0.09,cross_az=0.01',
  ]);
  const port = await freePort();
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, localPrometheusConfig({ vpcflow: new URL(vpcflow.url).host, prometheus: `127.0.0.1:${port}` }));
  prometheus = await startPrometheus({ configFile, port, dataDir: join(dir, 'data') });
});

afterAll(async () => {
  await prometheus?.stop();
  if (vpcflow) {
    vpcflow.child.kill('SIGTERM');
    await exited(vpcflow.child);
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('prometheus scraping a live vpcflow', () => {
  it('promtool check metrics finds no problem in /metrics', async () => {
    const text = await (await fetch(`${vpcflow!.url}/metrics`)).text();
    expect(text).toContain('vpcflow_records_total');
    const result = spawnSync(prometheusBinaries().promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('returns data for every dashboard variable and panel query', async () => {
    const deadline = Date.now() + DEADLINE_MS;
    const dashboard = readDashboard();
    const values: Record<string, string[]> = {};
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const { selector, label } = labelValuesQuery(variable);
      // The window variable has values once the first window has closed.
      while ((values[variable.name] ?? []).length === 0 && Date.now() < deadline) {
        values[variable.name] = await api<string[]>(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(selector)}`);
        if (values[variable.name]!.length === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    expect(values.instance).toEqual([new URL(vpcflow!.url).host]);
    expect(values.window).toContain(WINDOW);

    // Grafana's values for the rest: a multi-value variable becomes a regex alternative.
    const substitutions = {
      instance: regexOf(values.instance!),
      window: WINDOW,
      __rate_interval: '10s',
      __range: '1m',
    };
    const queries = panelQueries(dashboard).map(({ name, query }) => ({ name, query: substitute(query, substitutions) }));
    expect(queries.length).toBeGreaterThan(25);
    expect(await withoutData(queries, deadline), vpcflow!.output().slice(-2000)).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it('evaluates every rule without error and every rule returns data', async () => {
    const deadline = Date.now() + DEADLINE_MS;
    const rules = readRules();
    let health: { name: string; health: string; lastError?: string }[] = [];
    while (Date.now() < deadline) {
      const data = await api<{ groups: { rules: { name: string; health: string; lastError?: string }[] }[] }>('/api/v1/rules');
      health = data.groups.flatMap((g) => g.rules);
      if (health.length === rules.length && health.every((r) => r.health !== 'unknown')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(health.filter((r) => r.health !== 'ok')).toEqual([]);
    expect(health).toHaveLength(rules.length);

    // Recorded series as Prometheus stored them; alert conditions with bool comparisons.
    const queries = rules.map((rule) => (rule.record ? { name: rule.record, query: rule.record } : { name: rule.alert!, query: withBoolComparisons(rule.expr) }));
    expect(await withoutData(queries, deadline)).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
