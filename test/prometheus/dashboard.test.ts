/**
 * The Grafana dashboard's structure (there is no Grafana here; live.test.ts runs its queries):
 * a stable uid, the variables, every panel on the selected data source, and every recorded
 * series it uses defined in the rules.
 */
import { describe, expect, it } from 'vitest';
import { readRules } from '../helpers/monitoring-files.js';
import { labelValuesQuery, panelQueries, readDashboard } from '../helpers/promql.js';

describe('grafana dashboard', () => {
  const dashboard = readDashboard();

  it('has a stable uid and the datasource, instance and window variables', () => {
    expect(dashboard.uid).toBe('vpcflow');
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(labelValuesQuery(variables.instance!)).toEqual({ selector: 'vpcflow_records_total', label: 'instance' });
    expect(variables.instance!.multi).toBe(true);
    expect(labelValuesQuery(variables.window!)).toEqual({ selector: 'vpcflow_window_end_timestamp_seconds', label: 'window' });
  });

  it('queries the selected data source in every panel and target', () => {
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(20);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });

  it('has the panels the issue asks for', () => {
    const titles = dashboard.panels.map((p) => p.title);
    for (const title of [
      'Traffic by action and traffic class',
      'Top talkers',
      'Rejected connections by port',
      'Rejected connections by source',
      'Ingress / egress',
      'Internal / internet / AWS service',
      'Estimated cost per $window window',
      'NODATA / SKIPDATA',
      'Records/s',
      'Watermark lag',
      'Parse errors',
      'Late records',
      'Worker queue bytes',
      'Worker queue payloads',
      'Worker restarts',
    ]) {
      expect(titles).toContain(title);
    }
  });

  it('uses only recorded series that the rules define', () => {
    const recorded = new Set(readRules().flatMap((rule) => (rule.record ? [rule.record] : [])));
    const used = panelQueries(dashboard).flatMap(({ query }) => query.match(/\b[a-z_]+:[a-z_]+:[a-z0-9_]+\b/g) ?? []);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(recorded, name).toContain(name);
  });
});
