/**
 * The exporter's output under load: names, types and help in the text format, and label
 * cardinality bounded by configuration however many distinct addresses and interfaces arrive.
 */
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/metrics/names.js';
import { baseSettings, payloadSource, runPipeline, type TestPayload } from '../helpers/run-pipeline.js';

/** A million records with all-distinct addresses and interfaces, over 10 minutes of event time. */
function distinctAddresses(count: number): TestPayload[] {
  const payloads: TestPayload[] = [];
  const perPayload = 20_000;
  for (let first = 0; first < count; first += perPayload) {
    const lines: string[] = [];
    for (let i = first; i < Math.min(count, first + perPayload); i++) {
      const a = `${10 + ((i >>> 16) & 0x3f)}.${(i >>> 8) & 0xff}.${i & 0xff}.${(i * 7) & 0xff}`;
      const b = `${60 + ((i >>> 16) & 0x3f)}.${(i * 13) & 0xff}.${(i >>> 8) & 0xff}.${i & 0xff}`;
      const time = 1_700_000_000 + Math.floor((i / count) * 600);
      lines.push(`2 123456789012 eni-${i.toString(16).padStart(17, '0')} ${a} ${b} ${1024 + (i % 60000)} ${i % 65536} ${[6, 17, 1, 47, 50][i % 5]} 1 ${100 + (i % 900)} ${time - 30} ${time} ${i % 10 === 0 ? 'REJECT' : 'ACCEPT'} OK`);
    }
    payloads.push({ partition: `p${payloads.length % 4}`, text: `${lines.join('\n')}\n` });
  }
  return payloads;
}

function series(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)![1]!;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

describe('exporter', () => {
  it('keeps series bounded with a million distinct addresses and interfaces', async () => {
    const { metrics, summary } = await runPipeline(payloadSource(distinctAddresses(1_000_000)), baseSettings({ windowSizes: [60, 600] }), { interfaceCap: 50 });
    expect(summary.good).toBe(1_000_000);
    const counts = series(metrics);
    const topK = 10;
    // Top-K lists: at most K series per window size. (Single-flow rejected sources are all equally
    // light, so none of them is a heavy hitter and that list may be empty.)
    for (const name of ['vpcflow_window_top_talker_bytes', 'vpcflow_window_top_destination_bytes', 'vpcflow_window_top_interface_bytes']) {
      expect(counts.get(name), name).toBe(2 * topK);
    }
    for (const name of ['vpcflow_window_top_rejected_source_flows', 'vpcflow_window_top_rejected_port_flows']) {
      expect(counts.get(name) ?? 0, name).toBeLessThanOrEqual(2 * topK);
    }
    expect(counts.get('vpcflow_interface_bytes_total')).toBe(51); // the cap, plus "other"
    // Window groups: 2 sizes × actions × protocols × statuses × directions × classes, whatever the input.
    expect(counts.get('vpcflow_window_bytes')!).toBeLessThanOrEqual(2 * 3 * 16 * 4 * 3 * 5);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(2000);
  }, 120_000);

  it('declares every metric of names.ts with its type and help', async () => {
    const { metrics } = await runPipeline(payloadSource(distinctAddresses(5000)), baseSettings());
    for (const spec of Object.values(METRICS)) {
      expect(metrics).toContain(`# HELP ${spec.name} ${spec.help}`);
      expect(metrics).toContain(`# TYPE ${spec.name} ${spec.type}`);
    }
    expect(metrics).toMatch(/^process_cpu_user_seconds_total /m);
    expect(metrics).toMatch(/^vpcflow_records_total 5000$/m);
    expect(metrics).toMatch(/^vpcflow_flow_records_total\{action="REJECT",log_status="OK"\} 500$/m);
  });
});
