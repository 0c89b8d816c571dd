/**
 * Kafka integration test helpers: topics on the test broker, a producer that writes each message
 * to a chosen partition and remembers the order (so the oracle can follow each partition), and the
 * Kafka source configured as the CLI would.
 */
import { readFile } from 'node:fs/promises';
import { AssignerProtocol, Kafka, logLevel, type Producer } from 'kafkajs';
import { pino } from 'pino';
import type { InfraInfo } from '../../../scripts/infra/index.js';
import type { FlowRecord } from '../../../src/generator/index.js';
import type { WindowResult } from '../../../src/pipeline/window-results.js';
import { createKafkaSource, type KafkaSourceOptions } from '../../../src/sources/kafka/index.js';
import type { Source } from '../../../src/sources/source.js';
import { expectedTotals, type Entry, type Totals } from '../../helpers/stream-totals.js';

export { FORMAT, mixedEntries, orderedGenerator, pipelineTotals, sorted, type Entry } from '../../helpers/stream-totals.js';

export const uniqueName = (label: string): string => `vpcflow-${label}-${process.pid}-${Date.now().toString(36)}`;

export function testKafka(infra: InfraInfo): Kafka {
  return new Kafka({ clientId: 'vpcflow-test', brokers: infra.kafka.brokers, logLevel: logLevel.NOTHING });
}

/** A new topic (unique name) with `partitions` partitions and optional topic configs. */
export async function createTopic(kafka: Kafka, label: string, partitions: number, configs: Record<string, string> = {}): Promise<string> {
  const topic = uniqueName(label);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

export async function deleteTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}

/** Messages by partition, in the order they were written. */
export type Placed = Map<number, Entry[]>;

/**
 * Writes `entries` round-robin over `partitions` (a count: entry i to partition i % partitions; or
 * a list: entry i to its i % length-th partition), in order, in sends under the broker's 1 MB
 * batch limit; returns where each went.
 */
export async function sendEntries(producer: Producer, topic: string, partitions: number | readonly number[], entries: readonly Entry[], placed: Placed = new Map()): Promise<Placed> {
  const targets = typeof partitions === 'number' ? Array.from({ length: partitions }, (_, p) => p) : partitions;
  let at = 0;
  while (at < entries.length) {
    const messages: { partition: number; value: Buffer }[] = [];
    let bytes = 0;
    while (at < entries.length && (messages.length === 0 || bytes + entries[at]!.data.length < 900_000)) {
      const partition = targets[at % targets.length]!;
      const entry = entries[at++]!;
      bytes += entry.data.length;
      messages.push({ partition, value: Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.length) });
      placed.set(partition, [...(placed.get(partition) ?? []), entry]);
    }
    await producer.send({ topic, messages, acks: -1 });
  }
  return placed;
}

/** The independent computation, each partition's records in the order they were written. */
export function expectedPartitionTotals(placed: Placed): ReturnType<typeof expectedTotals> {
  return expectedTotals([...placed.values()].map((entries): FlowRecord[] => entries.flatMap((e) => e.flows)));
}

export function kafkaSource(infra: InfraInfo, topic: string, groupId: string, overrides: Partial<KafkaSourceOptions> = {}): Source {
  return createKafkaSource({
    connection: { brokers: infra.kafka.brokers, clientId: 'vpcflow-test', tls: false, caFile: null, sasl: null },
    topics: [topic],
    groupId,
    startPosition: 'earliest',
    topicFormats: new Map(),
    once: true,
    logger: pino({ level: process.env.VPCFLOW_TEST_LOG ?? 'silent' }),
    ...overrides,
  });
}

/** A group's committed offsets by partition (-1: none) and the emitted-windows marks in their metadata (by partition, and the highest). */
export interface GroupCommits {
  offsets: Map<number, number>;
  marks: Map<number, number>;
  closedThrough: number;
}

export async function groupCommits(kafka: Kafka, topic: string, groupId: string): Promise<GroupCommits> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offsets = new Map<number, number>();
    const marks = new Map<number, number>();
    for (const p of result?.partitions ?? []) {
      offsets.set(p.partition, Number(p.offset));
      const mark = p.metadata ? (JSON.parse(p.metadata) as { closedThrough: number | null }).closedThrough ?? null : null;
      if (mark !== null) marks.set(p.partition, mark);
    }
    return { offsets, marks, closedThrough: Math.max(-Infinity, ...marks.values()) };
  } finally {
    await admin.disconnect();
  }
}

/** Flow records in the messages at offsets [from, to) of each partition (a fresh topic: offset = index in `placed`). */
export function recordsBetween(placed: Placed, from: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>, partitions: Iterable<number> = placed.keys()): number {
  let records = 0;
  for (const partition of partitions) {
    const entries = placed.get(partition) ?? [];
    records += entries.slice(Math.max(0, from.get(partition) ?? 0), to.get(partition) ?? entries.length).reduce((sum, e) => sum + e.flows.length, 0);
  }
  return records;
}

/** Messages written so far, by partition. */
export const producedCounts = (placed: Placed): Map<number, number> => new Map([...placed].map(([partition, entries]) => [partition, entries.length]));

/** Flow records in window totals (of every window size given). */
export const flowsIn = (totals: Totals): number => [...totals.values()].reduce((sum, groups) => sum + [...groups.values()].reduce((s, g) => s + g[0], 0), 0);

/** The 1-minute windows of `totals`. */
export const oneMinuteWindows = (totals: Totals): Totals => new Map([...totals].filter(([id]) => id.startsWith('60:')));

/** Window groups where `got` counts fewer flow records than `expected` (lost records), as readable lines. */
export function missingFrom(expected: Totals, got: Totals): string[] {
  const missing: string[] = [];
  for (const [id, groups] of expected) {
    for (const [group, [flows]] of groups) {
      const have = got.get(id)?.get(group)?.[0] ?? 0;
      if (have < flows) missing.push(`${id} ${group}: ${have} of ${flows}`);
    }
  }
  return missing;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 200 ms until it gives a value (not null or false). */
export async function until<T>(what: string, check: () => Promise<T | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== null && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The members of a stable group and which member owns each partition (null while it rebalances). */
export async function membership(kafka: Kafka, group: string, topic: string): Promise<{ members: number; owners: Map<number, string> } | null> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [description] = (await admin.describeGroups([group])).groups;
    if (description?.state !== 'Stable') return null;
    const owners = new Map<number, string>();
    for (const member of description.members) {
      for (const partition of AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? []) owners.set(partition, member.memberId);
    }
    return { members: description.members.length, owners };
  } finally {
    await admin.disconnect();
  }
}

/** Waits for a stable group of `members` members; returns the owner of each partition. */
export const stableWith = async (kafka: Kafka, group: string, topic: string, members: number): Promise<Map<number, string>> =>
  until(`${members} replicas in a stable group`, async () => {
    const now = await membership(kafka, group, topic);
    return now?.members === members ? now.owners : null;
  });

/** The windows a `vpcflow run --windows-out` wrote (none when it wrote no file). */
export const windowsOf = async (path: string): Promise<WindowResult[]> =>
  (await readFile(path, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as WindowResult);

/** A sample's value on a running vpcflow's /metrics (`name` with its labels, as exposed), 0 when absent. */
export async function metric(url: string, sample: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}
