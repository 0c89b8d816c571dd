/**
 * A replica that is already running takes over a killed replica's partitions: it replays them from
 * the old owner's commits, and the emitted-windows marks committed with them (read at the
 * assignment) make the replayed records of windows the old owner emitted late, not counted twice.
 *
 * Replicas A and B (`vpcflow run` processes) split 4 partitions. A's partitions carry two stretches
 * of event time, [T, T+12 min) and [T+20, T+22 min): reading the second closes the 10-minute window
 * [T, T+10) and commits A's offsets up to it with a mark of T+16 to T+19 min, so the records of the
 * first stretch from about T+10 on are after the commit, in 1-minute windows A has emitted. B's
 * partitions carry [T, T+6 min) only: B's own windows stay behind A's mark, so only the mark (not
 * B's watermark) can tell B that those windows were emitted. A is killed (SIGKILL); B gets its
 * partitions when A's session times out (30 s). The event-time gap leaves nothing A emitted after
 * its commit for B to read again: with the marks, A and B together give the exact totals.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createFlowGenerator } from '../../../src/generator/index.js';
import { exited, startCli } from '../../helpers/cli.js';
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

describe('Kafka source: partitions taken over while running', () => {
  it("replays a killed replica's partitions without counting its emitted windows again", { timeout: 120_000 }, async () => {
    const topic = await createTopic(kafka, 'takeover', 4);
    topics.push(topic);
    const group = uniqueName('takeover');
    const dir = await mkdtemp(join(tmpdir(), 'vpcflow-takeover-'));
    const args = ['run', '--source', 'kafka', '--kafka-brokers', infra.kafka.brokers.join(','), '--kafka-topic', topic, '--kafka-group', group, '--start-position', 'earliest', '--allowed-lateness', '120s', '--listen', '127.0.0.1:0', '--log-format', 'json'];

    const a = await startCli([...args, '--windows-out', join(dir, 'a.jsonl')]);
    const aMember = [...(await stableWith(kafka, group, topic, 1)).values()][0]!;
    const b = await startCli([...args, '--windows-out', join(dir, 'b.jsonl')]);
    const owners = await stableWith(kafka, group, topic, 2);
    const aParts = [...owners].filter(([, member]) => member === aMember).map(([partition]) => partition);
    const bParts = [...owners].filter(([, member]) => member !== aMember).map(([partition]) => partition);
    expect(aParts.length * bParts.length, `assignment ${JSON.stringify([...owners])}`).toBeGreaterThan(0);

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
});
