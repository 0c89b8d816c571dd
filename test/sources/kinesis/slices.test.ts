/**
 * Replicas: slices i/N split a stream's shards without overlap, and together give the exact totals.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseSettings, runPipeline } from '../../helpers/run-pipeline.js';
import { checkpointDir, createStream, deleteStream, expectedShardTotals, kinesisSource, mixedEntries, orderedGenerator, pipelineTotals, producer, putEntries, readCheckpoints, recording, sorted, useInfraCredentials } from './helpers.js';

const infra = inject('infra');
const client = producer(infra);
const streams: string[] = [];

beforeAll(() => useInfraCredentials(infra));
afterAll(async () => {
  for (const stream of streams) await deleteStream(client, stream);
  client.destroy();
});

describe('Kinesis source: slices', () => {
  it('slices 0/2 and 1/2 read disjoint shards and together give the exact totals', async () => {
    const stream = await createStream(client, 'slices', 4);
    streams.push(stream);
    const placed = await putEntries(client, stream, mixedEntries(orderedGenerator(41), 20_000));
    const dir = await checkpointDir();

    const slices = [0, 1].map((index) => recording(kinesisSource(infra, stream, dir, { slice: { index, count: 2 } })));
    const [zero, one] = await Promise.all(slices.map(({ source }) => runPipeline(source, baseSettings(), { once: true })));

    const shardsOf = (i: number) => new Set(slices[i]!.pushes.map((p) => p.partition));
    expect([...shardsOf(0)].sort()).toEqual(['shardId-000000000000', 'shardId-000000000002']);
    expect([...shardsOf(1)].sort()).toEqual(['shardId-000000000001', 'shardId-000000000003']);
    expect(zero!.summary.good + one!.summary.good).toBe(20_000);
    expect(sorted(pipelineTotals(zero!.windows, one!.windows))).toEqual(sorted(expectedShardTotals(placed).windows));

    // One checkpoint file per slice, each with its own shards.
    const files = await readCheckpoints(dir);
    expect(files.map((f) => [f.slice, Object.keys(f.shards).sort()])).toEqual([
      ['0/2', ['shardId-000000000000', 'shardId-000000000002']],
      ['1/2', ['shardId-000000000001', 'shardId-000000000003']],
    ]);
  });
});
