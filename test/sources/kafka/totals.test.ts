/** Kafka, 3 partitions, mixed payload shapes: the window totals equal the oracle's exactly. */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { baseSettings, runPipeline } from '../../helpers/run-pipeline.js';
import { createTopic, deleteTopic, expectedPartitionTotals, kafkaSource, mixedEntries, orderedGenerator, pipelineTotals, sendEntries, sorted, testKafka, uniqueName } from './helpers.js';

const infra = inject('infra');
const kafka = testKafka(infra);
const topics: string[] = [];
afterAll(async () => {
  for (const topic of topics) await deleteTopic(kafka, topic);
});

describe('Kafka source: totals', () => {
  it('gives the exact window totals for a million records over 3 partitions of mixed payload shapes', { timeout: 300_000 }, async () => {
    const topic = await createTopic(kafka, 'totals', 3);
    topics.push(topic);
    const entries = mixedEntries(orderedGenerator(71), 1_000_000);
    const producer = kafka.producer();
    await producer.connect();
    const placed = await sendEntries(producer, topic, 3, entries);
    await producer.disconnect();

    const { windows, summary } = await runPipeline(kafkaSource(infra, topic, uniqueName('group')), baseSettings(), { once: true });
    expect(summary.payloads).toBe(entries.length); // KPL aggregates are de-aggregated by the workers here
    expect(summary.good).toBe(1_000_000);
    expect(summary.late).toEqual({ '1m': 0, '10m': 0 });
    expect(sorted(pipelineTotals(windows))).toEqual(sorted(expectedPartitionTotals(placed).windows));
  });
});
