/**
 * Merging the workers' partials of a closed window into its result: exact totals, the top K of
 * each heavy-hitter summary with its error bound, and the estimated transfer cost.
 */
import { ipv4Text } from '../tokenizer/index.js';
import { mergeGroups, type TotalsGroup } from '../window/aggregators/groups.js';
import { HeavyHitters, topEntries, type HeavyHitterEntry, type HeavyHitterPartial } from '../window/aggregators/heavy-hitters.js';
import { windowLabel } from '../window/time.js';
import type { HeavyHitterKind, WindowPartial } from '../window/window-store.js';

const TWO_32 = 4294967296;

export interface TopItem {
  /** Human-readable key: an address, "src dst", "tcp/22", an interface id. */
  key: string;
  value: number;
  fields: Record<string, string | number>;
}

export interface TopList {
  items: TopItem[];
  /** Each value may fall short of the truth by at most this much. */
  error_bound: number;
  total: number;
}

export interface WindowResult {
  window: string;
  size_seconds: number;
  start: number;
  end: number;
  totals: TotalsGroup[];
  top_talkers: TopList;
  top_destinations: TopList;
  top_rejected_ports: TopList;
  top_rejected_sources: TopList;
  top_interfaces: TopList;
  /** Estimated transfer cost in dollars by traffic class (only with a price table). */
  estimated_cost?: Record<string, number>;
  /** A worker died while this window was open: its totals miss that worker's share. */
  incomplete?: boolean;
  /** Emitted at a stop before the watermark reached it: records that come after the restart are in another emission of this window. */
  partial?: boolean;
}

const PROTOCOL_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'icmpv6', 132: 'sctp' };

export function protocolName(protocol: number | null | 'other'): string {
  if (protocol === null) return 'none';
  if (protocol === 'other') return 'other';
  return PROTOCOL_NAMES[protocol] ?? String(protocol);
}

function addressText(key: number, label: string | undefined): string {
  return key < TWO_32 ? ipv4Text(key) : (label ?? `ipv6#${key}`);
}

function item(kind: HeavyHitterKind, entry: HeavyHitterEntry): TopItem {
  switch (kind) {
    case 'talkers': {
      const [srcLabel, dstLabel] = entry.label?.split(' ') ?? [];
      const src = addressText(entry.key1, srcLabel);
      const dst = addressText(entry.key2, dstLabel);
      return { key: `${src} ${dst}`, value: entry.weight, fields: { src, dst } };
    }
    case 'destinations':
    case 'rejected_sources': {
      const address = addressText(entry.key1, entry.label);
      return { key: address, value: entry.weight, fields: { address } };
    }
    case 'rejected_ports': {
      const protocol = protocolName(entry.key1 < 0 ? null : entry.key1);
      return { key: `${protocol}/${entry.key2}`, value: entry.weight, fields: { protocol, port: entry.key2 } };
    }
    case 'interfaces': {
      const id = entry.label ?? String(entry.key1);
      return { key: id, value: entry.weight, fields: { interface: id } };
    }
  }
}

function mergeTop(kind: HeavyHitterKind, partials: HeavyHitterPartial[], k: number): TopList {
  const summary = new HeavyHitters(partials[0]?.capacity ?? 1);
  for (const partial of partials) summary.merge(partial);
  const merged = summary.toPartial();
  return { items: topEntries(merged, k).map((entry) => item(kind, entry)), error_bound: merged.errorBound, total: merged.total };
}

/** Group partials by window and merge each window's. */
export function mergeWindows(partials: readonly WindowPartial[], topK: number, pricePerGb: Record<string, number> | null): WindowResult[] {
  const byWindow = new Map<string, WindowPartial[]>();
  for (const partial of partials) {
    const key = `${partial.sizeSeconds}:${partial.start}`;
    byWindow.set(key, [...(byWindow.get(key) ?? []), partial]);
  }
  const results: WindowResult[] = [];
  for (const group of byWindow.values()) {
    const first = group[0]!;
    const top = (kind: HeavyHitterKind): TopList => mergeTop(kind, group.map((p) => p.heavyHitters[kind]), topK);
    const result: WindowResult = {
      window: windowLabel(first.sizeSeconds),
      size_seconds: first.sizeSeconds,
      start: first.start,
      end: first.end,
      totals: mergeGroups(group.map((p) => p.totals)),
      top_talkers: top('talkers'),
      top_destinations: top('destinations'),
      top_rejected_ports: top('rejected_ports'),
      top_rejected_sources: top('rejected_sources'),
      top_interfaces: top('interfaces'),
    };
    if (pricePerGb) {
      const cost: Record<string, number> = {};
      for (const g of result.totals) {
        const price = pricePerGb[g.traffic_class];
        if (price !== undefined) cost[g.traffic_class] = (cost[g.traffic_class] ?? 0) + (g.bytes / 1e9) * price;
      }
      result.estimated_cost = cost;
    }
    results.push(result);
  }
  return results.sort((a, b) => a.end - b.end || a.size_seconds - b.size_seconds);
}

