/**
 * Streaming-source test helpers shared by the Kafka and Kinesis tests: generated records packed
 * into messages of mixed payload shapes, the oracle's totals for them (each partition's records in
 * the order they were written), and the pipeline's totals in the same form.
 */
import { parseFormat } from '../../src/format/format.js';
import { cloudWatchEnvelope, createFlowGenerator, gzipText, renderLine, type FlowGenerator, type FlowRecord } from '../../src/generator/index.js';
import type { WindowResult } from '../../src/pipeline/window-results.js';
import { kplAggregate } from './kpl-writer.js';
import { groupKey, oracleTotals } from './window-oracle.js';

export const FORMAT = parseFormat('default');
const INTERNAL_V4: [string, number][] = [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]];

/** A message (Kafka) or record (Kinesis) to write, with the flow records it carries (for the oracle). */
export interface Entry {
  data: Uint8Array;
  flows: FlowRecord[];
  /** Payloads the source pushes for it (KPL aggregates hold several). */
  payloads: number;
}

const encoder = new TextEncoder();
export const lines = (flows: readonly FlowRecord[]): string => `${flows.map((f) => renderLine(f, FORMAT)).join('\n')}\n`;

/**
 * `count` flow records from `generator`, packed into messages of mixed shapes: text lines, gzip
 * CloudWatch Logs envelopes, and KPL aggregates (of text, and of an envelope).
 */
export function mixedEntries(generator: FlowGenerator, count: number, perRecord = 40): Entry[] {
  const entries: Entry[] = [];
  for (let made = 0, i = 0; made < count; i++) {
    const flows = Array.from({ length: Math.min(perRecord, count - made) }, () => generator.next());
    made += flows.length;
    switch (i % 4) {
      case 0:
      case 1:
        entries.push({ data: encoder.encode(lines(flows)), flows, payloads: 1 });
        break;
      case 2:
        entries.push({ data: gzipText(cloudWatchEnvelope(flows, FORMAT)), flows, payloads: 1 });
        break;
      default: {
        const quarter = Math.ceil(flows.length / 4);
        const parts = [0, 1, 2, 3].map((q) => flows.slice(q * quarter, (q + 1) * quarter)).filter((p) => p.length > 0);
        const users = parts.map((part, q) => (q === 1 ? gzipText(cloudWatchEnvelope(part, FORMAT)) : encoder.encode(lines(part))));
        entries.push({ data: kplAggregate(users), flows, payloads: users.length });
      }
    }
  }
  return entries;
}

/** Generated records in event-time order (no late ones), by default 20 per second of event time. */
export const orderedGenerator = (seed: number, recordsPerSecond = 20): FlowGenerator => createFlowGenerator({ seed, recordsPerSecond });

export type Totals = Map<string, Map<string, [number, number, number]>>;

/** The independent computation over each partition's records, in the order they were written. */
export function expectedTotals(partitions: readonly (readonly FlowRecord[])[]): { windows: Totals; late: Map<number, number> } {
  return oracleTotals(partitions, { sizes: [60, 600], windowTime: 'end', outOfOrdernessSeconds: 60, allowedLatenessSeconds: 120, internalV4: INTERNAL_V4, fields: FORMAT.names });
}

const PROTOCOLS: Record<string, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/** Window totals of one or more runs, summed per window and group (a window may be emitted in parts by two runs). */
export function pipelineTotals(...runs: WindowResult[][]): Totals {
  const result: Totals = new Map();
  for (const window of runs.flat()) {
    const id = `${window.size_seconds}:${window.start}`;
    const groups = result.get(id) ?? new Map<string, [number, number, number]>();
    for (const g of window.totals) {
      const protocol = g.protocol === null ? 'none' : (PROTOCOLS[String(g.protocol)] ?? String(g.protocol));
      const key = groupKey(g.action ?? 'none', protocol, g.log_status ?? 'none', g.direction, g.traffic_class);
      const sums = groups.get(key) ?? [0, 0, 0];
      groups.set(key, [sums[0] + g.flows, sums[1] + g.packets, sums[2] + g.bytes]);
    }
    result.set(id, groups);
  }
  return result;
}

export const sorted = (totals: Totals) =>
  [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort(([a], [b]) => a.localeCompare(b))]);
