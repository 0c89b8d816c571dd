/**
 * A replica that is already running takes over a killed replica's partitions: it replays them from
 * the old owner's commits. The emitted-windows marks committed with them (read at the assignment)
 * make the replayed records of windows the old owner emitted late, not counted twice; the replayed
 * records of windows the new owner closed without them, that the old owner never emitted, are
 * caught up (emitted later as partials), not lost as late.
 *
 * Replicas A and B (`vpcflow run` processes) split 4 partitions; A is killed (SIGKILL) and B gets
 * its partitions when A's session times out (30 s).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createFlowGenerator } from '../../../src/generator/index.js';
import { exited, startCli } from '../../helpers/cli.js';
import type { RunSummary } from '../../../src/pipeline/pipeline.js';
import type { Totals } from '../../helpers/stream-totals.js';
import {
  createTopic,
  deleteTopic,
  expectedPartitionTotals,
  flowsIn,
  groupCommits,
  metric,
  missingFrom,
  mixedEntries,
  pipelineTotals,
  producedCounts,
  recordsBetween,
  sendEntries,
  sorted,
  stableWith,
  testKafka,
  uniqueName,
  until,
  windowsOf,
  type Placed,
} from './helpers.js';

const infra = inject('infra');
const kafka = testKafka(infra);
const topics: string[] = [];
afterAll(async () => {
  for (const topic of topics) await deleteTopic(kafka, topic);
});

const T = Date.UTC(2026, 0, 1) / 1000; // on a 10-minute boundary
const PER_SECOND = 20;
/** `minutes` of event time from `from` (Unix seconds), in messages of 50 records. */
const stretch = (seed: number, from: number, minutes: number): ReturnType<typeof mixedEntries> =>
  mixedEntries(createFlowGenerator({ seed, recordsPerSecond: PER_SECOND, startTime: from }), minutes * 60 * PER_SECOND, 50);
const windowEnd = (time: number, size: number): number => time - (time % size) + size;
const windowsThrough = (totals: Totals, mark: number): Totals => new Map([...totals].filter(([id]) => windowEnd(Number(id.split(':')[1]), Number(id.split(':')[0])) <= mark));
const records = (placed: Placed, partitions: readonly number[]): number => recordsBetween(placed, new Map(), new Map(), partitions);
const SIZES = [60, 600] as const;
const BEHIND = 60 + 120; // default out-of-orderness + the --allowed-lateness below
/** The window end a watermark over these partitions closes through, for a window size. */
const closesThrough = (placed: Placed, partitions: readonly number[], size: number): number =>
  Math.floor((Math.min(...partitions.map((p) => Math.max(...placed.get(p)!.flatMap((e) => e.flows.map((f) => Number(f.end)))))) - BEHIND) / size) * size;

/** Replicas A and B of a new group on a new topic of 4 partitions, with the partitions each owns. */
async function twoReplicas(label: string) {
  const topic = await createTopic(kafka, label, 4);
  topics.push(topic);
  const group = uniqueName(label);
  const dir = await mkdtemp(join(tmpdir(), `vpcflow-${label}-`));
  const args = ['run', '--source', 'kafka', '--kafka-brokers', infra.kafka.brokers.join(','), '--kafka-topic', topic, '--kafka-group', group, '--start-position', 'earliest', '--allowed-lateness', '120s', '--listen', '127.0.0.1:0', '--log-format', 'json'];
  const a = await startCli([...args, '--windows-out', join(dir, 'a.jsonl')]);
  const aMember = [...(await stableWith(kafka, group, topic, 1)).values()][0]!;
  const b = await startCli([...args, '--windows-out', join(dir, 'b.jsonl')]);
  const owners = await stableWith(kafka, group, topic, 2);
  const aParts = [...owners].filter(([, member]) => member === aMember).map(([partition]) => partition);
  const bParts = [...owners].filter(([, member]) => member !== aMember).map(([partition]) => partition);
  expect(aParts.length * bParts.length, `assignment ${JSON.stringify([...owners])}`).toBeGreaterThan(0);
  return { topic, group, dir, a, b, aParts, bParts };
}

describe('Kafka source: partitions taken over while running', () => {
  /**
   * A's partitions carry two stretches of event time, [T, T+12 min) and [T+20, T+22 min): reading
   * the second closes the 10-minute window [T, T+10) and commits A's offsets up to it with a mark of
   * T+16 to T+19 min, so the records of the first stretch from about T+10 on are after the commit,
   * in 1-minute windows A has emitted. B's partitions carry [T, T+6 min) only: B's own windows stay
   * behind A's mark, so only the mark (not B's watermark) can tell B that those windows were
   * emitted. The event-time gap leaves nothing A emitted after its commit for B to read again: with
   * the marks, A and B together give the exact totals.
   */
  it("replays a killed replica's partitions without counting its emitted windows again", { timeout: 120_000 }, async () => {
    const { topic, group, dir, a, b, aParts, bParts } = await twoReplicas('takeover');

    const producer = kafka.producer();
    await producer.connect();
    const placed: Placed = new Map();
    await sendEntries(producer, topic, bParts, stretch(31, T, 6), placed);
    await sendEntries(producer, topic, aParts, stretch(32, T, 12), placed);
    await sendEntries(producer, topic, aParts, stretch(33, T + 20 * 60, 2), placed);
    await producer.disconnect();

    await until('A committed its partitions', async () => {
      const now = await groupCommits(kafka, topic, group);
      return aParts.every((p) => (now.offsets.get(p) ?? -1) > 0 && now.marks.has(p));
    });
    a.child.kill('SIGKILL');
    await exited(a.child);
    // A is dead: its commits are final.
    const killedAt = await groupCommits(kafka, topic, group);
    const marks = killedAt.marks;
    const mark = Math.min(...aParts.map((p) => marks.get(p)!));
    expect(mark).toBeGreaterThanOrEqual(T + 16 * 60);

    await stableWith(kafka, group, topic, 1);
    const replayed = recordsBetween(placed, killedAt.offsets, producedCounts(placed), aParts);
    await until('B read its partitions and replayed A\'s', async () => (await metric(b.url, 'vpcflow_records_total')) >= records(placed, bParts) + replayed);
    const late = { '1m': await metric(b.url, 'vpcflow_records_late_total{window="1m"}'), '10m': await metric(b.url, 'vpcflow_records_late_total{window="10m"}') };
    b.child.kill('SIGTERM');
    expect((await exited(b.child)).code).toBe(0);
    // B's final commits of A's partitions keep at least A's marks (B's own windows are behind them).
    const final = await groupCommits(kafka, topic, group);
    for (const p of aParts) expect(final.marks.get(p) ?? -Infinity, `partition ${p}`).toBeGreaterThanOrEqual(marks.get(p)!);

    // The records B reads again that fall in windows ending at or before their partition's mark.
    const emitted = { '1m': 0, '10m': 0 };
    for (const p of aParts) {
      for (const entry of placed.get(p)!.slice(killedAt.offsets.get(p))) {
        for (const flow of entry.flows) {
          if (windowEnd(Number(flow.end), 60) <= marks.get(p)!) emitted['1m']++;
          if (windowEnd(Number(flow.end), 600) <= marks.get(p)!) emitted['10m']++;
        }
      }
    }

    const expected = expectedPartitionTotals(placed).windows;
    const windowsA = await windowsOf(join(dir, 'a.jsonl'));
    const windowsB = await windowsOf(join(dir, 'b.jsonl'));
    const both = pipelineTotals(windowsA, windowsB);
    const duplicated = flowsIn(both) - flowsIn(expected);
    console.log(
      `takeover: B replayed ${replayed} records of A's partitions ${aParts.join(',')} from A's commits (mark ${new Date(mark * 1000).toISOString()}); ${emitted['1m']} of them in 1-minute windows A emitted: ${late['1m']} counted late by B; records counted twice over both sizes: ${duplicated}`,
    );
    expect(emitted['1m'], 'nothing replayed in windows A emitted: the scenario tests nothing').toBeGreaterThan(0);
    // Nothing lost: A's and B's windows together count every record of every window and group.
    expect(missingFrom(expected, both)).toEqual([]);
    // B's windows up to A's mark hold B's own partitions' records only: A's are late there.
    const ownOnly = expectedPartitionTotals(new Map([...placed].filter(([p]) => bParts.includes(p)))).windows;
    expect(sorted(windowsThrough(pipelineTotals(windowsB), mark))).toEqual(sorted(windowsThrough(ownOnly, mark)));
    expect(late).toEqual(emitted);
    // A emitted nothing after its last commit that B read again (the gap in event time).
    expect(duplicated).toBe(0);
  });

  /**
   * All 4 partitions carry [T, T+16 min) of event time. A closes and commits what its watermark allows (1-minute windows to about T+13 min,
   * the 10-minute window [T, T+10)) and is killed (SIGKILL). While Kafka waits out A's session (30 s),
   * B's partitions get [T+16, T+30): B closes its windows to about T+27, far past what A emitted.
   * B then replays A's partitions from A's commits: their records up to A's mark are late (A emitted
   * them); those above (1-minute windows to T+16, the 10-minute window [T+10, T+20)), in windows B
   * has closed, go into catch-up windows. Finally A's partitions get [T+30, T+32), which brings them
   * past B's closed windows (caught up), and B stops (SIGTERM) and commits them to their ends.
   */
  it("catches up the killed replica's records in windows it never emitted", { timeout: 120_000 }, async () => {
    const { topic, group, dir, a, b, aParts, bParts } = await twoReplicas('catch-up');
    const gauge = async (url: string, size: number): Promise<number> => metric(url, `vpcflow_window_end_timestamp_seconds{window="${size / 60}m"}`);

    const producer = kafka.producer();
    await producer.connect();
    const placed: Placed = new Map();
    await sendEntries(producer, topic, bParts, stretch(41, T, 16), placed);
    await sendEntries(producer, topic, aParts, stretch(42, T, 16), placed);
    // A has closed what its records allow and committed its partitions with that mark.
    const aClosed = closesThrough(placed, aParts, 60);
    await until('A closed and committed its windows', async () => {
      if ((await gauge(a.url, 60)) < aClosed) return false;
      const now = await groupCommits(kafka, topic, group);
      return aParts.every((p) => (now.offsets.get(p) ?? -1) > 0 && (now.marks.get(p) ?? -Infinity) >= aClosed);
    });
    a.child.kill('SIGKILL');
    await exited(a.child);
    const killedAt = await groupCommits(kafka, topic, group);
    const phase1 = producedCounts(placed);

    // While the group waits for A's session to time out, B's partitions go on: B closes windows A never emitted.
    await sendEntries(producer, topic, bParts, stretch(43, T + 16 * 60, 14), placed);
    const bClosed = SIZES.map((size) => closesThrough(placed, bParts, size));
    await until('B closed its windows', async () => (await gauge(b.url, 60)) >= bClosed[0]! && (await gauge(b.url, 600)) >= bClosed[1]!);
    const aMark = Math.max(...aParts.map((p) => killedAt.marks.get(p)!));
    expect(bClosed[0]! - aMark, 'B closed no window above A\'s mark: the scenario tests nothing').toBeGreaterThan(10 * 60);
    expect((await stableWith(kafka, group, topic, 1)).size).toBe(4);

    const replayed = recordsBetween(placed, killedAt.offsets, phase1, aParts);
    const bOwn = records(placed, bParts);
    await until("B read its partitions and replayed A's", async () => (await metric(b.url, 'vpcflow_records_total')) >= bOwn + replayed);
    // Records after the replay bring A's partitions past the windows B closed.
    await sendEntries(producer, topic, aParts, stretch(44, T + 30 * 60, 2), placed);
    await producer.disconnect();
    const after = recordsBetween(placed, phase1, new Map(), aParts);
    await until('B read the last records', async () => (await metric(b.url, 'vpcflow_records_total')) >= bOwn + replayed + after);
    const late = { '1m': await metric(b.url, 'vpcflow_records_late_total{window="1m"}'), '10m': await metric(b.url, 'vpcflow_records_late_total{window="10m"}') };
    b.child.kill('SIGTERM');
    expect((await exited(b.child)).code).toBe(0);
    const stopped = b
      .output()
      .split('\n')
      .filter((line) => line.includes('"vpcflow stopped"'))
      .map((line) => (JSON.parse(line) as { summary: RunSummary }).summary)[0]!;

    // The rule, from the generator's records: a replayed record is late when its window ends at or
    // before its partition's mark (or its own watermark − lateness); above, it is caught up when B
    // had closed its window.
    const expectedLate = { '1m': 0, '10m': 0 };
    const expectedCaughtUp = { '1m': 0, '10m': 0 };
    for (const p of aParts) {
      let newestEnd = -Infinity;
      for (const entry of placed.get(p)!.slice(killedAt.offsets.get(p), phase1.get(p))) {
        for (const flow of entry.flows) {
          const time = Number(flow.end);
          const lateThrough = Math.max(killedAt.marks.get(p)!, newestEnd - BEHIND);
          newestEnd = Math.max(newestEnd, time);
          SIZES.forEach((size, s) => {
            const label = size === 60 ? '1m' : '10m';
            if (windowEnd(time, size) <= lateThrough) expectedLate[label]++;
            else if (windowEnd(time, size) <= bClosed[s]!) expectedCaughtUp[label]++;
          });
        }
      }
    }

    const expected = expectedPartitionTotals(placed).windows;
    const windowsA = await windowsOf(join(dir, 'a.jsonl'));
    const windowsB = await windowsOf(join(dir, 'b.jsonl'));
    const both = pipelineTotals(windowsA, windowsB);
    const missing = missingFrom(expected, both);
    const duplicated = flowsIn(both) - flowsIn(expected);
    console.log(
      `takeover after B closed windows: B replayed ${replayed} records of A's partitions ${aParts.join(',')} from A's commits (mark ${new Date(aMark * 1000).toISOString()}); B had closed 1-minute windows to ${new Date(bClosed[0]! * 1000).toISOString()}: late in B ${late['1m']} (1m) + ${late['10m']} (10m), caught up ${stopped.caughtUp['1m']} (1m) + ${stopped.caughtUp['10m']} (10m), records counted twice over both sizes ${duplicated}, window groups missing records ${missing.length}`,
    );
    expect(expectedCaughtUp['1m']).toBeGreaterThan(1000);
    // Nothing lost: A's and B's windows together count every record of every window and group.
    expect(missing).toEqual([]);
    expect(late).toEqual(expectedLate);
    expect(stopped.caughtUp).toEqual(expectedCaughtUp);
    // B emitted them as partials of windows it had closed before (its stop's partials end later).
    const caughtUp = (size: number): number =>
      windowsB.filter((w) => w.partial && w.size_seconds === size && w.end <= bClosed[SIZES.indexOf(size as 60 | 600)]!).reduce((n, w) => n + w.totals.reduce((f, g) => f + g.flows, 0), 0);
    expect({ '1m': caughtUp(60), '10m': caughtUp(600) }).toEqual(expectedCaughtUp);
    // Caught up, A's partitions were committed to their ends by B's stop, keeping at least A's marks.
    const final = await groupCommits(kafka, topic, group);
    for (const p of aParts) {
      expect(final.offsets.get(p), `partition ${p}`).toBe(placed.get(p)!.length);
      expect(final.marks.get(p) ?? -Infinity, `partition ${p}`).toBeGreaterThanOrEqual(killedAt.marks.get(p)!);
    }
  });
});
