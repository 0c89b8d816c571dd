import { describe, expect, it } from 'vitest';
import { parseFormat } from '../../src/format/format.js';
import { createFlowGenerator } from '../../src/generator/generator.js';
import { renderLine, V5_29_FORMAT } from '../../src/generator/render.js';
import type { WindowResult } from '../../src/pipeline/window-results.js';
import { groupKey, oracleTotals, type OracleTotals } from '../helpers/window-oracle.js';
import { baseSettings, payloadSource, runPipeline, type TestPayload } from '../helpers/run-pipeline.js';

type Generated = Record<string, string | number | null>;

/** Generated records with out-of-order and late ones, spread over partitions in payloads of `perPayload`. */
function workload(count: number, partitions: number, perPayload: number, formatSpec: string) {
  const format = parseFormat(formatSpec);
  const generator = createFlowGenerator({ seed: 7, recordsPerSecond: 400, outOfOrderSeconds: 90, lateRatio: 0.03, lateSeconds: 1200 });
  const byPartition: Generated[][] = Array.from({ length: partitions }, () => []);
  const payloads: TestPayload[] = [];
  let pending: Generated[] = [];
  let next = 0;
  const flush = () => {
    const partition = next++ % partitions;
    byPartition[partition]!.push(...pending);
    payloads.push({ partition: `p${partition}`, text: `${pending.map((r) => renderLine(r, format)).join('\n')}\n` });
    pending = [];
  };
  for (let i = 0; i < count; i++) {
    pending.push(generator.next());
    if (pending.length === perPayload) flush();
  }
  if (pending.length > 0) flush();
  return { byPartition, payloads };
}

function pipelineTotals(windows: WindowResult[]): Map<string, Map<string, [number, number, number]>> {
  const result = new Map<string, Map<string, [number, number, number]>>();
  for (const window of windows) {
    const groups = new Map<string, [number, number, number]>();
    for (const g of window.totals) {
      const protocol = g.protocol === null ? 'none' : ({ 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' } as Record<string, string>)[String(g.protocol)] ?? String(g.protocol);
      groups.set(groupKey(g.action ?? 'none', protocol, g.log_status ?? 'none', g.direction, g.traffic_class), [g.flows, g.packets, g.bytes]);
    }
    result.set(`${window.size_seconds}:${window.start}`, groups);
  }
  return result;
}

const sortMap = (m: Map<string, Map<string, [number, number, number]>>) =>
  [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort(([a], [b]) => a.localeCompare(b))]);

describe('exact window totals against an independent computation', () => {
  const internalV4: [string, number][] = [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]];

  for (const windowTime of ['end', 'start', 'prorate'] as const) {
    for (const [formatName, formatSpec] of [['default', 'default'], ['v5 29-field', V5_29_FORMAT.spec]] as const) {
      it(`${windowTime} time, ${formatName} format, out-of-order and late records, 4 partitions`, async () => {
        const { byPartition, payloads } = workload(60_000, 4, 700, formatSpec);
        const settings = baseSettings({ format: formatSpec, windowTime });
        const expected: OracleTotals = oracleTotals(byPartition, { sizes: [60, 600], windowTime, outOfOrdernessSeconds: 60, allowedLatenessSeconds: 120, internalV4, fields: parseFormat(formatSpec).names });
        const { windows, summary } = await runPipeline(payloadSource(payloads), settings);
        expect(summary.errors).toBe(0);
        expect(summary.good).toBe(60_000);
        expect(expected.late.get(60)).toBeGreaterThan(500); // the workload really has late records
        expect(summary.late).toEqual({ '1m': expected.late.get(60), '10m': expected.late.get(600) });
        expect(sortMap(pipelineTotals(windows))).toEqual(sortMap(expected.windows));
      });
    }
  }

  it('1 worker and 3 workers emit identical windows', async () => {
    const { payloads } = workload(40_000, 5, 500, 'default');
    // Heavy-hitter summaries large enough never to reduce are exact, so whole windows compare equal.
    const settings = baseSettings({ heavyHitterCapacity: 50_000 });
    const one = await runPipeline(payloadSource(payloads), settings, { workers: 1 });
    const three = await runPipeline(payloadSource(payloads), settings, { workers: 3 });
    expect(one.windows.length).toBeGreaterThan(5);
    expect(three.windows).toEqual(one.windows);
    expect(three.summary.late).toEqual(one.summary.late);
  });
});
