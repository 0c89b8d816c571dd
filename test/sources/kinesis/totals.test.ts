/**
 * The Kinesis source through the real pipeline against kinesis-local: window totals equal an
 * independent computation over each shard's records in the order they were put.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseSettings, runPipeline } from '../../helpers/run-pipeline.js';
import { checkpointDir, createStream, deleteStream, expectedShardTotals, kinesisSource, mixedEntries, orderedGenerator, pipelineTotals, producer, putEntries, recording, sorted, useInfraCredentials } from './helpers.js';

const infra = inject('infra');
const client = producer(infra);
const streams: string[] = [];

beforeAll(() => useInfraCredentials(infra));
afterAll(async () => {
  for (const stream of streams) await deleteStream(client, stream);
  client.destroy();
});

describe('Kinesis source: exact totals', () => {
  it('2 shards, text lines, gzip CloudWatch envelopes and KPL aggregates', async () => {
    const stream = await createStream(client, 'totals', 2);
    streams.push(stream);
    const entries = mixedEntries(orderedGenerator(11), 20_000);
    const placed = await putEntries(client, stream, entries);
    expect(new Set(placed.map((p) => p.shardId)).size).toBe(2);

    // Paging through ListShards one shard at a time.
    const { source, pushes } = recording(kinesisSource(infra, stream, await checkpointDir(), { listShardsPageSize: 1 }));
    const { windows, summary, metrics } = await runPipeline(source, baseSettings(), { once: true });

    const expected = expectedShardTotals(placed);
    expect(summary.errors).toBe(0);
    expect(summary.good).toBe(20_000);
    expect(summary.payloads).toBe(entries.reduce((sum, e) => sum + e.payloads, 0));
    expect(summary.late).toEqual({ '1m': expected.late.get(60), '10m': expected.late.get(600) });
    expect(sorted(pipelineTotals(windows))).toEqual(sorted(expected.windows));
    expect(new Set(pushes.map((p) => p.partition))).toEqual(new Set(placed.map((p) => p.shardId)));
    // Shards start together: each registers with the watermark before any runs ahead.
    expect(new Set(pushes.slice(0, 2).map((p) => p.partition)).size).toBe(2);
    // KPL user records carry a sub-sequence; every position is unique.
    expect(new Set(pushes.map((p) => p.position)).size).toBe(pushes.length);
    expect(pushes.some((p) => p.position.includes(':'))).toBe(true);
    expect(metrics).toMatch(/vpcflow_source_commits_total\{outcome="ok"\} [1-9]/);
  });
});
