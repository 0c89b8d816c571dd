/**
 * Malformed Kafka messages (truncated gzip, bad JSON, a truncated envelope, binary junk, an empty
 * message, a KPL aggregate with a bad checksum) are counted and skipped, a 5 MB message of good
 * lines is read whole, and the consumer keeps going: the good records give the exact totals.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRandom, gzipText } from '../../../src/generator/index.js';
import { kplAggregate } from '../../helpers/kpl-writer.js';
import { baseSettings, runPipeline } from '../../helpers/run-pipeline.js';
import { lines } from '../../helpers/stream-totals.js';
import { createTopic, deleteTopic, expectedPartitionTotals, kafkaSource, mixedEntries, orderedGenerator, pipelineTotals, sendEntries, sorted, testKafka, uniqueName, type Entry } from './helpers.js';

const infra = inject('infra');
const kafka = testKafka(infra);
const topics: string[] = [];
afterAll(async () => {
  for (const topic of topics) await deleteTopic(kafka, topic);
});

const bad = (data: Uint8Array): Entry => ({ data, flows: [], payloads: 1 });

function junk(bytes: number, seed: number): Uint8Array {
  const random = createRandom(seed);
  // Starts with a byte that is neither gzip's nor JSON's first byte, so it goes to the text parser.
  return Uint8Array.from({ length: bytes }, (_, i) => (i === 0 ? 0x07 : random.int(256)));
}

describe('Kafka source: malformed messages', () => {
  it('are counted and skipped, a 5 MB message is read whole, and the consumer keeps going', { timeout: 120_000 }, async () => {
    const topic = await createTopic(kafka, 'malformed', 1, { 'max.message.bytes': String(8 << 20) });
    topics.push(topic);
    const generator = orderedGenerator(61);
    const before = mixedEntries(generator, 4_000);
    const large = Array.from({ length: 46_000 }, () => generator.next());
    const largeText = Buffer.from(lines(large));
    expect(largeText.length).toBeGreaterThan(5_000_000);
    const after = mixedEntries(generator, 4_000);
    const envelope = '{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":"2 1234';
    const whole = gzipText(largeText.subarray(0, 200_000));
    const entries: Entry[] = [
      ...before.slice(0, 30),
      bad(whole.subarray(0, whole.length >> 1)),
      bad(Buffer.from(envelope)),
      bad(gzipText(envelope)),
      bad(Buffer.from('{"logEvents": [{"id": 1, "message": tru')),
      bad(junk(20_000, 1)),
      bad(new Uint8Array(0)),
      bad(kplAggregate([Buffer.from('not a flow record\n'), Buffer.from('nor this\n')], { badMd5: true })),
      ...before.slice(30),
      { data: largeText, flows: large, payloads: 1 },
      ...after,
    ];
    const producer = kafka.producer();
    await producer.connect();
    // The 5 MB message goes alone: the producer's request must fit the topic's limit.
    const placed = await sendEntries(producer, topic, 1, entries);
    await producer.disconnect();

    const { windows, summary, metrics } = await runPipeline(kafkaSource(infra, topic, uniqueName('group')), baseSettings(), { once: true });
    expect(summary.payloads).toBe(entries.length);
    expect(summary.good).toBe(54_000);
    expect(metrics).toMatch(/vpcflow_source_undecodable_payloads_total\{reason="bad_gzip"\} 1\n/);
    expect(metrics).toMatch(/vpcflow_source_undecodable_payloads_total\{reason="envelope_malformed"\} 3\n/);
    expect(metrics).toMatch(/vpcflow_source_payloads_total\{shape="empty"\} 1\n/);
    // The junk and the bad-checksum aggregate (passed on raw) went to the text parser.
    expect(metrics).toMatch(/vpcflow_parse_errors_total\{reason="too_few_fields"\} [1-9]/);
    expect(sorted(pipelineTotals(windows))).toEqual(sorted(expectedPartitionTotals(placed).windows));
  });
});
