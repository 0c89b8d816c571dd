/**
 * Kafka integration test helpers: topics on the test broker, a producer that writes each message
 * to a chosen partition and remembers the order (so the oracle can follow each partition), and the
 * Kafka source configured as the CLI would.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { pino } from 'pino';
import type { InfraInfo } from '../../../scripts/infra/index.js';
import type { FlowRecord } from '../../../src/generator/index.js';
import { createKafkaSource, type KafkaSourceOptions } from '../../../src/sources/kafka/index.js';
import type { Source } from '../../../src/sources/source.js';
import { expectedTotals, type Entry } from '../../helpers/stream-totals.js';

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
 * Writes `entries` round-robin over `partitions` partitions (entry i to partition i % partitions),
 * in order, in sends under the broker's 1 MB batch limit; returns where each went.
 */
export async function sendEntries(producer: Producer, topic: string, partitions: number, entries: readonly Entry[], placed: Placed = new Map()): Promise<Placed> {
  let at = 0;
  while (at < entries.length) {
    const messages: { partition: number; value: Buffer }[] = [];
    let bytes = 0;
    while (at < entries.length && (messages.length === 0 || bytes + entries[at]!.data.length < 900_000)) {
      const partition = at % partitions;
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
