/**
 * A partition taken over while running (announced, with its earlier owner's mark) after this
 * pipeline closed windows without it: its records in windows above its mark that are closed here
 * go into catch-up windows, emitted by the next barriers as partial results (exact totals), not as
 * the latest window's gauges; its records at or below the mark stay late, as do a partition's that
 * was not taken over; and none of its positions is committed before its catch-up windows are out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFlowGenerator, type FlowRecord } from '../../src/generator/index.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { startPipeline } from '../../src/pipeline/pipeline.js';
import type { WindowResult } from '../../src/pipeline/window-results.js';
import { manualSource } from '../helpers/manual-source.js';
import { baseSettings } from '../helpers/run-pipeline.js';
import { expectedTotals, lines, pipelineTotals, sorted, type Totals } from '../helpers/stream-totals.js';

const T = Date.UTC(2026, 0, 1) / 1000; // on a 10-minute boundary
const SIZES = [60, 600];
const BEHIND = 60 + 120; // out-of-orderness + allowed lateness of baseSettings()
const MARK = T + 180; // the taken partition's earlier owner emitted its windows up to here
const windowEnd = (time: number, size: number): number => time - (time % size) + size;
const records = (seed: number, from: number, seconds: number): FlowRecord[] => {
  const generator = createFlowGenerator({ seed, recordsPerSecond: 5, startTime: from });
  return Array.from({ length: seconds * 5 }, () => generator.next());
};
const payloads = (flows: readonly FlowRecord[], size: number): FlowRecord[][] => Array.from({ length: Math.ceil(flows.length / size) }, (_, i) => flows.slice(i * size, (i + 1) * size));
const only = (totals: Totals, keep: (size: number, end: number) => boolean): Totals =>
  new Map(
    [...totals].filter(([id]) => {
      const [size, start] = id.split(':').map(Number) as [number, number];
      return keep(size, start + size);
    }),
  );
const sum = (...all: Totals[]): Totals => {
  const result: Totals = new Map();
  for (const totals of all) {
    for (const [id, groups] of totals) {
      const into = result.get(id) ?? new Map<string, [number, number, number]>();
      for (const [key, [f, p, b]] of groups) {
        const [f0, p0, b0] = into.get(key) ?? [0, 0, 0];
        into.set(key, [f0 + f, p0 + p, b0 + b]);
      }
      result.set(id, into);
    }
  }
  return result;
};
const flowsOf = (windows: readonly WindowResult[], size: number): number => windows.filter((w) => w.size_seconds === size).reduce((n, w) => n + w.totals.reduce((s, g) => s + g.flows, 0), 0);

describe('a partition taken over while running', () => {
  it('has its records for windows closed without it emitted later as partials, and committed only after', { timeout: 60_000 }, async () => {
    const own = records(11, T, 15 * 60);
    const ownMax = Math.max(...own.map((f) => Number(f.end)));
    // The pipeline closes through own's watermark minus the lateness; nothing moves it further
    // before the end (the partitions that come later are behind it).
    const closed = SIZES.map((size) => Math.floor((ownMax - BEHIND) / size) * size);
    const fresh = records(13, T + 240, 120); // a partition not taken over: all in closed windows
    const taken = records(12, T, 20 * 60);
    const second = records(14, T + 300, 60); // a second partition taken over, in closed windows above its mark

    // The independent rule for a partition taken over: late at or below max(mark, its own
    // watermark − lateness); above, in a catch-up window when closed here, else in an open one.
    const kind = (flows: readonly FlowRecord[]): ('late' | 'catch-up' | 'open')[][] => {
      let newest = -Infinity;
      return flows.map((flow) => {
        const time = Number(flow.end);
        const lateThrough = Math.max(MARK, newest - BEHIND);
        newest = Math.max(newest, time);
        return SIZES.map((size, s) => (windowEnd(time, size) <= lateThrough ? 'late' : windowEnd(time, size) <= closed[s]! ? 'catch-up' : 'open'));
      });
    };
    const kinds = kind(taken);
    const secondKinds = kind(second);
    const count = (which: string, s: number, upTo = taken.length): number => kinds.slice(0, upTo).filter((k) => k[s] === which).length;
    const countSecond = (which: string, s: number): number => secondKinds.filter((k) => k[s] === which).length;
    // Four payloads well inside the closed windows, then one that reaches past them (caught up).
    const split = taken.findIndex((f) => Number(f.end) >= closed[0]! - 20);
    const takenPayloads = [...payloads(taken.slice(0, split), Math.ceil(split / 4)), taken.slice(split)];
    const before = (payload: number): number => takenPayloads.slice(0, payload).reduce((n, p) => n + p.length, 0);

    const events: ({ window: WindowResult } | { commit: ReadonlyMap<string, string> })[] = [];
    // Run once while a barrier emits its catch-up windows.
    let duringEmission: (() => Promise<void>) | null = null;
    const { source, sink: given, end } = manualSource(async (positions) => void events.push({ commit: new Map(positions) }));
    const { registry, metrics } = createMetrics();
    const pipeline = await startPipeline(
      { settings: baseSettings(), workers: 2, maxInFlightBytes: 1 << 20, idleSeconds: 3600, topK: 10, interfaceCap: 10, pricePerGb: null, listen: null, once: true },
      {
        source,
        logger: pino({ level: 'silent' }),
        registry,
        metrics,
        onWindow: async (window) => {
          events.push({ window });
          const during = duringEmission;
          if (window.partial && during) {
            duringEmission = null;
            await during();
          }
        },
      },
    );
    const sink = await given;
    const windows = (): WindowResult[] => events.flatMap((e) => ('window' in e ? [e.window] : []));
    const encoder = new TextEncoder();
    const push = async (partition: string, flows: readonly FlowRecord[], position: number): Promise<void> => sink.push({ partition, position: String(position), payload: encoder.encode(lines(flows)) });
    const until = async (what: string, check: () => boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(20);
      }
    };

    sink.announce(['own']);
    let position = 0;
    for (const part of payloads(own, 300)) await push('own', part, ++position);
    await until('the windows of own closed', () => windows().some((w) => w.size_seconds === 60 && w.end === closed[0]));
    for (const part of payloads(fresh, 300)) await push('fresh', part, ++position);

    sink.announce(['taken']);
    sink.restore(new Map([['taken', MARK]]));
    const caughtUp = (s: number): number => flowsOf(windows().filter((w) => w.partial), SIZES[s]!);
    // Payloads 2 to 4 are each acked while a barrier emits the catch-up windows of the one before:
    // the worker took it after that barrier's close, so its catch-up windows wait for the next.
    const base = own.length + fresh.length;
    await push('taken', takenPayloads[0]!, 1);
    for (const payload of [2, 3, 4]) {
      await new Promise<void>((resolve) => {
        duringEmission = async () => {
          await push('taken', takenPayloads[payload - 1]!, payload);
          await until(`payload ${payload} acked`, () => pipeline.summary().records === base + before(payload));
          resolve();
        };
      });
    }
    await until('the catch-up windows of payloads 1-4 emitted', () => caughtUp(0) === count('catch-up', 0, before(4)) && caughtUp(1) === count('catch-up', 1, before(4)));
    // The barrier that emitted payload 4's catch-up windows found the partition still catching up
    // (none of its catch-up windows waiting): it must not have committed it. Another partition
    // taken over makes the next barrier; the taken partition's last payload (catch-up records,
    // then caught up) is acked while that one emits, so it must wait for the one after.
    sink.announce(['second']);
    sink.restore(new Map([['second', MARK]]));
    await new Promise<void>((resolve) => {
      duringEmission = async () => {
        await push('taken', takenPayloads[4]!, 5);
        await until('payload 5 acked', () => pipeline.summary().records === base + taken.length + second.length);
        resolve();
      };
      void push('second', second, 1);
    });
    const total = own.length + fresh.length + taken.length + second.length;
    await until('every record processed', () => pipeline.summary().records === total);
    const allCatchUp = (s: number): number => count('catch-up', s) + countSecond('catch-up', s);
    await until('the catch-up windows emitted', () => caughtUp(0) === allCatchUp(0) && caughtUp(1) === allCatchUp(1));
    // Caught up (its last payload reached past the closed windows), it is committed while running.
    await until('a commit of the taken partition', () => events.some((e) => 'commit' in e && e.commit.has('taken')));
    const whileRunning = windows();
    const gauge = async (): Promise<number> => (await registry.getSingleMetric('vpcflow_window_end_timestamp_seconds')!.get()).values.find((v) => v.labels.window === '1m')!.value;
    // The 1-minute gauges still show the latest window closed by the watermark, not an older one caught up.
    expect(await gauge()).toBe(closed[0]);

    for (const partition of ['own', 'fresh', 'taken', 'second']) sink.endPartition(partition);
    end();
    const summary = await pipeline.done;

    // The catch-up windows came out while running, flagged partial, with exactly the taken
    // partitions' records in windows above their mark that had closed here.
    const takenTotals = expectedTotals([taken, second]).windows;
    const catchUp = whileRunning.filter((w) => w.partial);
    expect(count('catch-up', 0)).toBeGreaterThan(1000);
    expect(sorted(pipelineTotals(catchUp))).toEqual(sorted(only(takenTotals, (size, end) => end > MARK && end <= closed[SIZES.indexOf(size)]!)));
    expect(summary.caughtUp).toEqual({ '1m': allCatchUp(0), '10m': allCatchUp(1) });
    // Late: the taken partition's records at or below its mark, every record of the partition not
    // taken over (its windows had closed), none of own's.
    expect(count('late', 0)).toBeGreaterThan(500);
    expect(summary.late).toEqual({ '1m': count('late', 0) + countSecond('late', 0) + fresh.length, '10m': count('late', 1) + countSecond('late', 1) + fresh.length });
    // All emissions of a window together: own's records and the taken partitions' above their mark.
    const all = windows();
    expect(sorted(pipelineTotals(all))).toEqual(sorted(sum(expectedTotals([own]).windows, only(takenTotals, (_, end) => end > MARK))));
    // Heavy hitters came along: every 10-minute window's talkers hold the bytes of its 1-minute
    // windows (a catch-up minute went into the 10-minute window's catch-up part, not lost).
    const talkerBytes = (size: number, from: number, to: number): number =>
      all.filter((w) => w.size_seconds === size && w.start >= from && w.end <= to).reduce((n, w) => n + w.top_talkers.total, 0);
    for (const start of [T, T + 600, T + 1200]) expect(talkerBytes(600, start, start + 600)).toBe(talkerBytes(60, start, start + 600));

    // The taken partition was not committed before every catch-up window of its payloads was
    // out, nor while it was catching up: a commit's mark tells a next owner that its records after
    // the commit in windows up to the mark were emitted.
    let takenCommits = 0;
    events.forEach((event, at) => {
      if (!('commit' in event && event.commit.has('taken'))) return;
      takenCommits++;
      const emitted = events.slice(0, at).flatMap((e) => ('window' in e && e.window.partial ? [e.window] : []));
      for (const s of [0, 1]) expect(flowsOf(emitted, SIZES[s]!), `catch-up records of ${SIZES[s]} s windows emitted before commit ${takenCommits}`).toBe(allCatchUp(s));
    });
    expect(takenCommits).toBeGreaterThan(0);
  });
});
