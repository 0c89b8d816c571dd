/**
 * Malformed payloads (truncated gzip, bad JSON, binary junk, empty data, a KPL aggregate with a
 * bad checksum) are counted and skipped, a record near the 1 MB limit is read whole, and the
 * consumer keeps going: the good records around them give the exact totals.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRandom, gzipText, renderLine } from '../../../src/generator/index.js';
import { baseSettings, runPipeline } from '../../helpers/run-pipeline.js';
import { checkpointDir, createStream, deleteStream, expectedShardTotals, FORMAT, kinesisSource, mixedEntries, orderedGenerator, pipelineTotals, producer, putEntries, sorted, useInfraCredentials, type Entry } from './helpers.js';
import { kplAggregate } from '../../helpers/kpl-writer.js';

const infra = inject('infra');
const client = producer(infra);
const streams: string[] = [];

beforeAll(() => useInfraCredentials(infra));
afterAll(async () => {
  for (const stream of streams) await deleteStream(client, stream);
  client.destroy();
});

const bad = (data: Uint8Array): Entry => ({ data, flows: [], payloads: 1 });

function junk(bytes: number, seed: number): Uint8Array {
  const random = createRandom(seed);
  // Starts with a byte that is neither gzip's nor JSON's first byte, so it goes to the text parser.
  return Uint8Array.from({ length: bytes }, (_, i) => (i === 0 ? 0x07 : random.int(256)));
}

describe('Kinesis source: malformed payloads', () => {
  it('are counted and skipped; the consumer keeps going', async () => {
    const stream = await createStream(client, 'malformed', 2);
    streams.push(stream);
    const generator = orderedGenerator(53);
    const good = mixedEntries(generator, 4_000);
    const large = Array.from({ length: 8_500 }, () => generator.next());
    const largeText = Buffer.from(`${large.map((f) => renderLine(f, FORMAT)).join('\n')}\n`);
    expect(largeText.length).toBeGreaterThan(900_000);
    expect(largeText.length).toBeLessThan(1_048_576 - 100);
    const after = mixedEntries(generator, 4_000);
    const envelope = '{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":"2 1234';
    const entries: Entry[] = [
      ...good.slice(0, 20),
      bad(gzipText(largeText).subarray(0, 5_000)),
      bad(Buffer.from(envelope)),
      bad(gzipText(envelope)),
      bad(junk(20_000, 1)),
      bad(new Uint8Array(0)),
      bad(kplAggregate([Buffer.from('not a flow record\n'), Buffer.from('nor this\n')], { badMd5: true })),
      ...good.slice(20),
      { data: largeText, flows: large, payloads: 1 },
      ...after,
    ];
    const placed = await putEntries(client, stream, entries);

    const { windows, summary, metrics } = await runPipeline(kinesisSource(infra, stream, await checkpointDir()), baseSettings(), { once: true });
    expect(summary.payloads).toBe(entries.reduce((sum, e) => sum + e.payloads, 0));
    expect(summary.good).toBe(16_500);
    expect(summary.errors).toBeGreaterThan(0);
    expect(metrics).toMatch(/vpcflow_source_undecodable_payloads_total\{reason="bad_gzip"\} 1\n/);
    expect(metrics).toMatch(/vpcflow_source_undecodable_payloads_total\{reason="envelope_malformed"\} 2\n/);
    expect(metrics).toMatch(/vpcflow_source_payloads_total\{shape="empty"\} 1\n/);
    // The junk and the bad-checksum aggregate (passed on raw) went to the text parser.
    expect(metrics).toMatch(/vpcflow_parse_errors_total\{reason="too_few_fields"\} [1-9]/);
    expect(sorted(pipelineTotals(windows))).toEqual(sorted(expectedShardTotals(placed).windows));
  });
});
