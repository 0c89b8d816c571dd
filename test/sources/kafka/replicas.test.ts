/**
 * Consumer-group assignments. Replicas in one group: their window totals, summed, equal the
 * oracle's. While records are produced, a third replica joins and one leaves (SIGTERM-like stop):
 * nothing is lost, and what the rebalances count twice is reported and bounded by the records
 * that were uncommitted in the partitions they moved. An assigned partition that has no records
 * yet holds the other partitions' windows open.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createFlowGenerator } from '../../../src/generator/index.js';
import { createMetrics } from '../../../src/metrics/registry.js';
import { startPipeline, type Pipeline } from '../../../src/pipeline/pipeline.js';
import type { WindowResult } from '../../../src/pipeline/window-results.js';
import { baseSettings } from '../../helpers/run-pipeline.js';
import {
  createTopic,
  deleteTopic,
  expectedPartitionTotals,
  flowsIn,
  groupCommits,
  kafkaSource,
  missingFrom,
  mixedEntries,
  oneMinuteWindows,
  orderedGenerator,
  pipelineTotals,
  producedCounts,
  recordsBetween,
  sendEntries,
  sleep,
  sorted,
  stableWith as stableIn,
  testKafka,
  uniqueName,
  until,
  type Placed,
} from './helpers.js';

const infra = inject('infra');
const kafka = testKafka(infra);
const topics: string[] = [];
afterAll(async () => {
  for (const topic of topics) await deleteTopic(kafka, topic);
});

/** A new topic (deleted after the tests) and a new group to read it. */
async function topicAndGroup(label: string, partitions: number): Promise<{ topic: string; group: string }> {
  const topic = await createTopic(kafka, label, partitions);
  topics.push(topic);
  return { topic, group: uniqueName(label) };
}

interface Replica {
  pipeline: Pipeline;
  windows: WindowResult[];
}

// 1-minute windows only: a position is committed out-of-orderness + lateness + 1 minute of event
// time after it was read, so offsets are committed mid-stream and what a rebalance leaves
// uncommitted is a fraction of the stream (10-minute windows would hold every commit back).
const settings = baseSettings({ windowSizes: [60] });

async function replica(topic: string, group: string, once: boolean): Promise<Replica> {
  const windows: WindowResult[] = [];
  const { registry, metrics } = createMetrics();
  const pipeline = await startPipeline(
    { settings, workers: 1, maxInFlightBytes: 4 << 20, idleSeconds: 3600, topK: 10, interfaceCap: 100, pricePerGb: null, listen: null, once },
    { source: kafkaSource(infra, topic, group, { once }), logger: pino({ level: 'silent' }), registry, metrics, onWindow: (w) => void windows.push(w) },
  );
  return { pipeline, windows };
}

const stableWith = (group: string, topic: string, members: number): Promise<Map<number, string>> => stableIn(kafka, group, topic, members);

const lateIn = (replicas: readonly Replica[]): number => replicas.reduce((sum, r) => sum + (r.pipeline.summary().late['1m'] ?? 0), 0);

describe('Kafka source: replicas in one group', () => {
  it('two replicas together give the exact totals', { timeout: 90_000 }, async () => {
    const { topic, group } = await topicAndGroup('replicas', 6);
    const a = await replica(topic, group, false);
    const b = await replica(topic, group, false);
    await stableWith(group, topic, 2);
    const producer = kafka.producer();
    await producer.connect();
    const placed = await sendEntries(producer, topic, 6, mixedEntries(orderedGenerator(113), 120_000));
    await producer.disconnect();
    // Both stop (emitting their open windows, committing all they read) once everything is read;
    // a --once run from the committed offsets then checks that nothing was left.
    await until('every record read', async () => a.pipeline.summary().good + b.pipeline.summary().good >= 120_000);
    await Promise.all([a.pipeline.stop('test'), b.pipeline.stop('test')]);
    expect(a.pipeline.summary().good).toBeGreaterThan(0);
    expect(b.pipeline.summary().good).toBeGreaterThan(0);
    const tail = await replica(topic, group, true);
    const summary = await tail.pipeline.done;
    expect(summary.good, 'the two replicas left records unread or uncommitted').toBe(0);
    expect(lateIn([a, b])).toBe(0);
    expect(sorted(pipelineTotals(a.windows, b.windows))).toEqual(sorted(oneMinuteWindows(expectedPartitionTotals(placed).windows)));
  });

  it('a third replica joins and one leaves mid-stream without loss', { timeout: 120_000 }, async () => {
    const partitions = 6;
    const { topic, group } = await topicAndGroup('rebalance', partitions);
    const a = await replica(topic, group, false);
    const b = await replica(topic, group, false);
    await stableWith(group, topic, 2);
    // 250 records per second of event time: the 200,000 records span 13 minutes, so commits follow
    // the stream by about a quarter of it.
    const generator = orderedGenerator(127, 250);
    const producer = kafka.producer();
    await producer.connect();
    const placed: Placed = new Map();
    const replicas = [a, b];
    const rebalances: { what: string; moved: number[]; uncommitted: number }[] = [];

    /**
     * A membership change while production waits (so every partition is read up to about the same
     * event time when it moves). The records it can make two replicas count are those of the
     * partitions it moves, from their committed offsets (read before the change; commits only
     * grow) to what had been produced.
     */
    const rebalance = async (what: string, apply: () => Promise<void>, members: { from: number; to: number }): Promise<void> => {
      const before = await stableWith(group, topic, members.from);
      const commits = await groupCommits(kafka, topic, group);
      await apply();
      const after = await stableWith(group, topic, members.to);
      const moved = [...after].filter(([partition, owner]) => before.get(partition) !== owner).map(([partition]) => partition);
      rebalances.push({ what, moved, uncommitted: recordsBetween(placed, commits.offsets, producedCounts(placed), moved) });
    };

    for (let send = 0; send < 40; send++) {
      await sendEntries(producer, topic, partitions, mixedEntries(generator, 5_000, 50), placed);
      if (send === 19) await rebalance('join', async () => void replicas.push(await replica(topic, group, false)), { from: 2, to: 3 });
      if (send === 29) await rebalance('leave', () => a.pipeline.stop('scale down').then(() => undefined), { from: 3, to: 2 });
      await sleep(150);
    }
    await producer.disconnect();
    const remaining = replicas.slice(1);
    await until('every record read', async () => replicas.reduce((sum, r) => sum + r.pipeline.summary().good, 0) >= 200_000);
    await sleep(1_000);
    await Promise.all(remaining.map((r) => r.pipeline.stop('test')));
    // Whatever the replicas left (nothing, when they read all before stopping) is read from the commits.
    const tail = await replica(topic, group, true);
    await tail.pipeline.done;

    const expected = oneMinuteWindows(expectedPartitionTotals(placed).windows);
    const got = pipelineTotals(...replicas.map((r) => r.windows), tail.windows);
    const late = lateIn([...replicas, tail]);
    const duplicated = flowsIn(got) - flowsIn(expected);
    const reread = [...replicas, tail].reduce((sum, r) => sum + r.pipeline.summary().good, 0) - 200_000;
    const [join, leave] = rebalances;
    console.log(
      `rebalance: ${reread} of 200000 records read twice: ${duplicated} counted twice, ${late} recognised as late (their windows were emitted); uncommitted in the moved partitions: join ${join!.uncommitted} (partitions ${join!.moved.join(',')}), leave ${leave!.uncommitted} (partitions ${leave!.moved.join(',')}); read by each replica: ${[...replicas, tail].map((r) => r.pipeline.summary().good).join(', ')}`,
    );
    expect(missingFrom(expected, got)).toEqual([]);
    // A sticky assignment moves only what balance needs: 2 of 6 partitions to the newcomer, and the
    // leaver's 2 to the others; the partitions that stay are not read again.
    expect(rebalances.map((r) => r.moved.length)).toEqual([2, 2]);
    // A record read twice is counted again or recognised as late by its new owner, never lost.
    expect(duplicated + late).toBe(reread);
    // Only the join's moved partitions are read again, from their commits: the leaver committed all
    // it read before leaving.
    expect(reread).toBeLessThanOrEqual(join!.uncommitted);
  });
});

describe('Kafka source: an assigned partition with no records yet', () => {
  it('holds back the windows of the others until its records come', { timeout: 60_000 }, async () => {
    const { topic, group } = await topicAndGroup('announce', 2);
    const r = await replica(topic, group, false);
    await stableWith(group, topic, 1);
    // Partition 0 gets records an hour ahead of partition 1's, which come only once partition 0's
    // are read and the pipeline had time to close windows on them.
    const hour = (h: number): number => Date.UTC(2026, 0, 1, h) / 1000;
    const ahead = mixedEntries(createFlowGenerator({ seed: 5, recordsPerSecond: 20, startTime: hour(1) }), 4_000);
    const behind = mixedEntries(createFlowGenerator({ seed: 6, recordsPerSecond: 20, startTime: hour(0) }), 4_000);
    const producer = kafka.producer();
    await producer.connect();
    const send = (partition: number, entries: typeof ahead): Promise<unknown> =>
      producer.send({ topic, acks: -1, messages: entries.map((e) => ({ partition, value: Buffer.from(e.data) })) });
    await send(0, ahead);
    await until('partition 0 read', async () => r.pipeline.summary().good >= 4_000);
    await sleep(1_500); // the pipeline closes windows at least once a second
    await send(1, behind);
    await producer.disconnect();
    await until('partition 1 read', async () => r.pipeline.summary().good >= 8_000);
    const summary = await r.pipeline.stop('test');
    expect(summary.late['1m'] ?? 0).toBe(0);
    const placed: Placed = new Map([
      [0, ahead],
      [1, behind],
    ]);
    expect(sorted(pipelineTotals(r.windows))).toEqual(sorted(oneMinuteWindows(expectedPartitionTotals(placed).windows)));
  });
});
