/**
 * Resharding: a shard split mid-stream is read parent first, then its children (as the KCL does),
 * and the totals stay exact.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseSettings, runPipeline } from '../../helpers/run-pipeline.js';
import {
  checkpointDir,
  createStream,
  deleteStream,
  expectedShardTotals,
  kinesisSource,
  mergeShards,
  mixedEntries,
  orderedGenerator,
  pipelineTotals,
  producer,
  putEntries,
  readCheckpoints,
  recording,
  sorted,
  splitShard,
  useInfraCredentials,
} from './helpers.js';

const infra = inject('infra');
const client = producer(infra);
const streams: string[] = [];

beforeAll(() => useInfraCredentials(infra));
afterAll(async () => {
  for (const stream of streams) await deleteStream(client, stream);
  client.destroy();
});

describe('Kinesis source: resharding', () => {
  it('a shard split mid-stream: parent before children, exact totals, parent marked finished', async () => {
    const stream = await createStream(client, 'split', 2);
    streams.push(stream);
    const generator = orderedGenerator(23);
    const first = await putEntries(client, stream, mixedEntries(generator, 10_000));
    await splitShard(client, stream, 'shardId-000000000000');
    const second = await putEntries(client, stream, mixedEntries(generator, 10_000));
    const children = [...new Set(second.map((p) => p.shardId))].filter((id) => id !== 'shardId-000000000001');
    expect(children.sort()).toEqual(['shardId-000000000002', 'shardId-000000000003']);

    const dir = await checkpointDir();
    const { source, pushes, events } = recording(kinesisSource(infra, stream, dir));
    const { windows, summary } = await runPipeline(source, baseSettings(), { once: true });

    const placed = [...first, ...second];
    const expected = expectedShardTotals(placed);
    expect(summary.errors).toBe(0);
    expect(summary.good).toBe(20_000);
    expect(summary.late).toEqual({ '1m': 0, '10m': 0 });
    expect(sorted(pipelineTotals(windows))).toEqual(sorted(expected.windows));

    const lastOfParent = pushes.map((p) => p.partition).lastIndexOf('shardId-000000000000');
    expect(lastOfParent).toBeGreaterThan(0);
    for (const child of children) {
      const firstOfChild = pushes.findIndex((p) => p.partition === child);
      expect(firstOfChild).toBeGreaterThan(lastOfParent);
      // The parent's partition ends (leaves the watermark) only once the child holds the watermark.
      expect(events.indexOf('end shardId-000000000000')).toBeGreaterThan(events.indexOf(`push ${child}`));
    }

    const [checkpoint] = await readCheckpoints(dir);
    expect(checkpoint!.shards['shardId-000000000000']!.finished).toBe(true);
    expect(checkpoint!.shards['shardId-000000000002']!.finished).toBe(false);
  });

  it('a merge: the child waits for both parents; across slices, for the parent in its own slice', async () => {
    const stream = await createStream(client, 'merge', 2);
    streams.push(stream);
    const generator = orderedGenerator(29);
    const first = await putEntries(client, stream, mixedEntries(generator, 6_000));
    await mergeShards(client, stream, 'shardId-000000000000', 'shardId-000000000001');
    const second = await putEntries(client, stream, mixedEntries(generator, 6_000));
    expect(new Set(second.map((p) => p.shardId))).toEqual(new Set(['shardId-000000000002']));
    const expected = sorted(expectedShardTotals([...first, ...second]).windows);

    const whole = recording(kinesisSource(infra, stream, await checkpointDir()));
    const { windows, summary } = await runPipeline(whole.source, baseSettings(), { once: true });
    expect(summary.late).toEqual({ '1m': 0, '10m': 0 });
    expect(sorted(pipelineTotals(windows))).toEqual(expected);
    const partitions = whole.pushes.map((p) => p.partition);
    const firstOfChild = partitions.indexOf('shardId-000000000002');
    expect(firstOfChild).toBeGreaterThan(partitions.lastIndexOf('shardId-000000000000'));
    expect(firstOfChild).toBeGreaterThan(partitions.lastIndexOf('shardId-000000000001'));

    // The child follows ParentShardId (shard 0) into slice 0; shard 1 is slice 1's alone.
    const dir = await checkpointDir();
    const slices = [0, 1].map((index) => recording(kinesisSource(infra, stream, dir, { slice: { index, count: 2 } })));
    const runs = await Promise.all(slices.map(({ source }) => runPipeline(source, baseSettings(), { once: true })));
    expect(slices.map(({ pushes }) => [...new Set(pushes.map((p) => p.partition))].sort())).toEqual([
      ['shardId-000000000000', 'shardId-000000000002'],
      ['shardId-000000000001'],
    ]);
    expect(sorted(pipelineTotals(...runs.map((r) => r.windows)))).toEqual(expected);
  });
});
