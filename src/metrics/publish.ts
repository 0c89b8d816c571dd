/**
 * Turning pipeline events into metric values: worker acks into counters, closed windows into
 * gauges. Series of a window's groups and top-K lists that are not in the newest window are
 * deleted, so label cardinality stays bounded by the group space and K, whatever the input.
 * The gauges show the latest closed window of each size: an older window emitted afterwards (more
 * of a window emitted before, from a partition catching up) is counted but never replaces them.
 */
import { protocolName, type TopList, type WindowResult } from '../pipeline/window-results.js';
import { STATUS_NAMES } from '../tokenizer/status.js';
import type { TotalsGroup } from '../window/aggregators/groups.js';
import type { AckMessage } from '../window/protocol.js';
import { windowLabel } from '../window/time.js';
import type { Metrics } from './registry.js';

type Labels = Record<string, string>;
type LabelledGauge = Metrics['windowFlows'];

export class MetricsPublisher {
  readonly #metrics: Metrics;
  readonly #sizes: readonly number[];
  readonly #interfaceCap: number;
  readonly #interfaces = new Set<string>();
  readonly #traffic = new Map<string, { group: TotalsGroup; flows: number; packets: number; bytes: number }>();
  readonly #interfaceSums = new Map<string, number>();
  // Per gauge and window label, the label sets set for the latest window.
  readonly #series = new Map<LabelledGauge, Map<string, Labels[]>>();
  // Per window label, the end of the window the gauges show.
  readonly #latestEnd = new Map<string, number>();

  constructor(metrics: Metrics, sizes: readonly number[], interfaceCap: number) {
    this.#metrics = metrics;
    this.#sizes = sizes;
    this.#interfaceCap = interfaceCap;
    // Counters with a known set of labels start at 0: before the first error a rate or ratio over
    // them is then 0 rather than absent, so panels show 0 and alert expressions have data.
    for (const reason of STATUS_NAMES.slice(1)) metrics.parseErrors.inc({ reason }, 0);
    for (const size of sizes) metrics.late.inc({ window: windowLabel(size) }, 0);
    for (const reason of ['no_event_time', 'future', 'window_cap']) metrics.dropped.inc({ reason }, 0);
  }

  ack(ack: AckMessage): void {
    const m = this.#metrics;
    m.payloads.inc({ shape: ack.shape });
    m.payloadBytes.inc(ack.payloadBytes);
    if (ack.undecodable) m.undecodable.inc({ reason: ack.undecodable });
    m.records.inc(ack.rows);
    for (const [reason, count] of ack.errors) m.parseErrors.inc({ reason }, count);
    if (ack.filtered > 0) m.filtered.inc(ack.filtered);
    ack.late.forEach((count, s) => {
      if (count > 0) m.late.inc({ window: windowLabel(this.#sizes[s]!) }, count);
    });
    if (ack.droppedNoTime > 0) m.dropped.inc({ reason: 'no_event_time' }, ack.droppedNoTime);
    if (ack.droppedFuture > 0) m.dropped.inc({ reason: 'future' }, ack.droppedFuture);
    if (ack.droppedWindowCap > 0) m.dropped.inc({ reason: 'window_cap' }, ack.droppedWindowCap);
    // Traffic counters are summed here and handed to prom-client by flush(): its label hashing
    // per group and interface of every payload cost the main thread more than the rest of an ack.
    for (const group of ack.processing) {
      const key = `${group.action}|${group.protocol}|${group.log_status}|${group.direction}|${group.traffic_class}`;
      let sums = this.#traffic.get(key);
      if (!sums) {
        sums = { group, flows: 0, packets: 0, bytes: 0 };
        this.#traffic.set(key, sums);
      }
      sums.flows += group.flows;
      sums.packets += group.packets;
      sums.bytes += group.bytes;
    }
    for (const [id, bytes] of ack.interfaceBytes) {
      if (!this.#interfaces.has(id) && this.#interfaces.size < this.#interfaceCap) this.#interfaces.add(id);
      const label = this.#interfaces.has(id) ? id : 'other';
      this.#interfaceSums.set(label, (this.#interfaceSums.get(label) ?? 0) + bytes);
    }
    m.stageDuration.observe({ stage: 'decode' }, ack.seconds.decode);
    m.stageDuration.observe({ stage: 'process' }, ack.seconds.tokenize);
  }

  /** Hand the summed traffic counters to prom-client (each second, before a scrape, at the end). */
  flush(): void {
    const m = this.#metrics;
    for (const { group, flows, packets, bytes } of this.#traffic.values()) {
      const traffic = { action: group.action ?? 'none', protocol: protocolName(group.protocol), direction: group.direction, traffic_class: group.traffic_class };
      m.flowRecords.inc({ action: group.action ?? 'none', log_status: group.log_status ?? 'none' }, flows);
      if (bytes > 0) m.flowBytes.inc(traffic, bytes);
      if (packets > 0) m.flowPackets.inc(traffic, packets);
      if (group.log_status === 'SKIPDATA') m.skipdataRecords.inc(flows);
    }
    this.#traffic.clear();
    for (const [label, bytes] of this.#interfaceSums) m.interfaceBytes.inc({ interface: label }, bytes);
    this.#interfaceSums.clear();
  }

  /** Replace `gauge`'s series for `window` with `values`. */
  #replace(gauge: LabelledGauge, window: string, values: [Labels, number][]): void {
    let byWindow = this.#series.get(gauge);
    if (!byWindow) {
      byWindow = new Map();
      this.#series.set(gauge, byWindow);
    }
    for (const labels of byWindow.get(window) ?? []) gauge.remove(labels);
    for (const [labels, value] of values) gauge.set(labels, value);
    byWindow.set(window, values.map(([labels]) => labels));
  }

  #top(gauge: LabelledGauge, window: string, list: TopList, name: string, labelsOf: (fields: Record<string, string | number>) => Labels): void {
    this.#replace(
      gauge,
      window,
      list.items.map((item, rank) => [{ window, rank: String(rank + 1), ...labelsOf(item.fields) }, item.value]),
    );
    this.#metrics.topErrorBound.set({ window, list: name }, list.error_bound);
  }

  /**
   * A window emitted. `latest`: it is the latest closed window of its size (not more of an older
   * one: a catch-up window), so the window gauges show it.
   */
  window(result: WindowResult, latest = true): void {
    const m = this.#metrics;
    const window = result.window;
    m.windowsClosed.inc({ window });
    if (!latest || result.end < (this.#latestEnd.get(window) ?? -Infinity)) return;
    this.#latestEnd.set(window, result.end);
    const groups = result.totals.map((g) => ({
      labels: { window, action: g.action ?? 'none', protocol: protocolName(g.protocol), log_status: g.log_status ?? 'none', direction: g.direction, traffic_class: g.traffic_class },
      g,
    }));
    // Several groups can share labels (protocols beyond the named ones): sum them.
    const sum = (pick: (g: (typeof groups)[number]['g']) => number): [Labels, number][] => {
      const byKey = new Map<string, [Labels, number]>();
      for (const { labels, g } of groups) {
        const key = JSON.stringify(labels);
        const entry = byKey.get(key);
        if (entry) entry[1] += pick(g);
        else byKey.set(key, [labels, pick(g)]);
      }
      return [...byKey.values()];
    };
    this.#replace(m.windowFlows, window, sum((g) => g.flows));
    this.#replace(m.windowPackets, window, sum((g) => g.packets));
    this.#replace(m.windowBytes, window, sum((g) => g.bytes));
    m.windowEnd.set({ window }, result.end);
    this.#top(m.topTalkers, window, result.top_talkers, 'talkers', (f) => ({ src: String(f.src), dst: String(f.dst) }));
    this.#top(m.topDestinations, window, result.top_destinations, 'destinations', (f) => ({ address: String(f.address) }));
    this.#top(m.topRejectedPorts, window, result.top_rejected_ports, 'rejected_ports', (f) => ({ protocol: String(f.protocol), port: String(f.port) }));
    this.#top(m.topRejectedSources, window, result.top_rejected_sources, 'rejected_sources', (f) => ({ address: String(f.address) }));
    this.#top(m.topInterfaces, window, result.top_interfaces, 'interfaces', (f) => ({ interface: String(f.interface) }));
    if (result.estimated_cost) {
      this.#replace(
        m.windowCost,
        window,
        Object.entries(result.estimated_cost).map(([trafficClass, dollars]) => [{ window, traffic_class: trafficClass }, dollars]),
      );
    }
  }
}
