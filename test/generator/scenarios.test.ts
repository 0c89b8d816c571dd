import { describe, expect, it } from 'vitest';
import { createFlowGenerator, type FlowRecord, type ScenarioEvent } from '../../src/generator/index.js';

/** 600 s of event time at 500 records a second, with every scenario event seen along the way. */
const RATE = 500;

function run(seed: number): { records: FlowRecord[]; events: Map<string, ScenarioEvent> } {
  const generator = createFlowGenerator({ seed, scenarios: true, recordsPerSecond: RATE });
  const records: FlowRecord[] = [];
  const events = new Map<string, ScenarioEvent>();
  for (let i = 0; i < 600 * RATE; i++) {
    records.push(generator.next());
    for (const event of generator.activeScenarios) events.set(`${event.kind}@${event.startSeconds}`, event);
  }
  return { records, events };
}

const { records, events } = run(1);

describe('scenarios', () => {
  it('are off by default', () => {
    const generator = createFlowGenerator({ recordsPerSecond: 1_000 });
    for (let i = 0; i < 200_000; i++) generator.next();
    expect(generator.activeScenarios).toEqual([]);
  });

  it('produce every kind of event, deterministically', () => {
    const kinds = new Set([...events.values()].map((e) => e.kind));
    for (const kind of ['spike', 'scan']) expect(kinds).toContain(kind);
    expect(kinds.has('nodata-burst') || kinds.has('skipdata-burst')).toBe(true);
    expect([...run(1).events.keys()]).toEqual([...events.keys()]);
  });

  it('produce a port scan: REJECTed SYNs from one source to consecutive ports of one host', () => {
    const scans = [...events.values()].filter((e) => e.kind === 'scan');
    for (const scan of scans) {
      const probes = records.filter((r) => r.srcaddr === scan.source && r['interface-id'] === scan.interfaceId);
      expect(probes.length).toBeGreaterThan(200);
      expect(probes.every((r) => r.action === 'REJECT' && r['tcp-flags'] === 2 && r.packets === 1 && r.protocol === 6)).toBe(true);
      expect(new Set(probes.map((r) => r.dstaddr)).size).toBe(1);
      const ports = probes.map((r) => r.dstport as number);
      expect(ports.slice(1).every((port, i) => port === ports[i]! + 1)).toBe(true);
    }
  });

  it('produce a spike: one talker moving several times the usual bytes per second', () => {
    const perSecond = new Map<number, number>();
    for (const r of records) if (typeof r.bytes === 'number') perSecond.set(r.end as number, (perSecond.get(r.end as number) ?? 0) + r.bytes);
    const usual = [...perSecond.values()].sort((a, b) => a - b)[perSecond.size >> 1]!;
    const spikes = [...events.values()].filter((e) => e.kind === 'spike');
    expect(spikes.length).toBeGreaterThan(2);
    for (const spike of spikes) {
      const talker = records.filter((r) => r.srcaddr === spike.source && (r.end as number) >= spike.startSeconds && (r.end as number) < spike.endSeconds);
      const bytes = talker.reduce((sum, r) => sum + (r.bytes as number), 0);
      expect(bytes / (spike.endSeconds - spike.startSeconds)).toBeGreaterThan(2 * usual);
    }
  });

  it('produce a burst of NODATA or SKIPDATA', () => {
    const burst = [...events.values()].find((e) => e.kind.endsWith('-burst'))!;
    const status = burst.kind === 'nodata-burst' ? 'NODATA' : 'SKIPDATA';
    const inside = records.slice((burst.startSeconds - 1_735_689_600) * RATE, (burst.endSeconds - 1_735_689_600) * RATE);
    expect(inside.filter((r) => r['log-status'] === status).length / inside.length).toBeGreaterThan(0.15);
  });
});
