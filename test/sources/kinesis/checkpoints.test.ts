/**
 * Checkpoints: a second run resumes where the first committed (nothing read twice, totals over
 * both runs exact), including from inside a KPL aggregate.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SourcePayload } from '../../../src/sources/source.js';
import { baseSettings, runPipeline } from '../../helpers/run-pipeline.js';
import {
  checkpointDir,
  createStream,
  deleteStream,
  expectedShardTotals,
  kinesisSource,
  mixedEntries,
  orderedGenerator,
  pipelineTotals,
  producer,
  putEntries,
  readCheckpoints,
  recording,
  sorted,
  useInfraCredentials,
} from './helpers.js';
import { kplAggregate } from '../../helpers/kpl-writer.js';

const infra = inject('infra');
const client = producer(infra);
const streams: string[] = [];

beforeAll(() => useInfraCredentials(infra));
afterAll(async () => {
  for (const stream of streams) await deleteStream(client, stream);
  client.destroy();
});

describe('Kinesis source: checkpoints', () => {
  it('a restart resumes from the checkpoints: nothing committed is read again, totals over both runs are exact', async () => {
    const stream = await createStream(client, 'restart', 2);
    streams.push(stream);
    const dir = await checkpointDir();
    const generator = orderedGenerator(31);

    const firstEntries = mixedEntries(generator, 8_000);
    const first = await putEntries(client, stream, firstEntries);
    const run1 = recording(kinesisSource(infra, stream, dir));
    const one = await runPipeline(run1.source, baseSettings(), { once: true });
    expect(one.summary.good).toBe(8_000);
    const [afterOne] = await readCheckpoints(dir);
    expect(Object.keys(afterOne!.shards).sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    // 400 s of event time: no window closed before the end-of-input flush, whose mark (+Infinity)
    // is not stored, so the second run's records can complete the windows the first emitted.
    expect(afterOne!.closedThrough).toBeNull();

    const secondEntries = mixedEntries(generator, 12_000);
    const second = await putEntries(client, stream, secondEntries);
    const run2 = recording(kinesisSource(infra, stream, dir));
    const two = await runPipeline(run2.source, baseSettings(), { once: true });

    expect(two.summary.payloads).toBe(secondEntries.reduce((sum, e) => sum + e.payloads, 0));
    expect(two.summary.good).toBe(12_000);
    const readTwice = new Set(run1.pushes.map((p) => `${p.partition}/${p.position}`));
    expect(run2.pushes.filter((p) => readTwice.has(`${p.partition}/${p.position}`))).toEqual([]);
    expect(two.summary.late).toEqual({ '1m': 0, '10m': 0 });
    expect(sorted(pipelineTotals(one.windows, two.windows))).toEqual(sorted(expectedShardTotals([...first, ...second]).windows));

    // A third run finds nothing new.
    const three = await runPipeline(kinesisSource(infra, stream, dir), baseSettings(), { once: true });
    expect(three.summary.payloads).toBe(0);
  });

  it('a checkpoint inside a KPL aggregate resumes at the next user record', async () => {
    const stream = await createStream(client, 'kpl-resume', 1);
    streams.push(stream);
    const dir = await checkpointDir();
    const users = ['a', 'b', 'c', 'd'].map((text) => Buffer.from(text));
    await putEntries(client, stream, [{ data: kplAggregate(users), flows: [], payloads: 4 }, { data: Buffer.from('e'), flows: [], payloads: 1 }]);

    // The source driven by hand: the pipeline would commit only whole windows.
    const read = async (): Promise<SourcePayload[]> => {
      const source = kinesisSource(infra, stream, dir);
      await source.prepare!({ lag: () => {}, behind: () => {}, committed: () => {} });
      const payloads: SourcePayload[] = [];
      await source.run({ push: async (p) => void payloads.push(p), allocate: (size) => new Uint8Array(size), inputFailed: (_, error) => { throw error; }, endPartition: () => {}, announce: () => {}, restore: () => {} });
      if (payloads.length > 1) await source.commit!(new Map([[payloads[1]!.partition, payloads[1]!.position]]), 1_735_689_600);
      await source.close!();
      return payloads;
    };
    const first = await read();
    expect(first.map((p) => Buffer.from(p.payload).toString())).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(first[1]!.position).toMatch(/^\d+:1$/);
    const second = await read();
    expect(second.map((p) => Buffer.from(p.payload).toString())).toEqual(['c', 'd', 'e']);
    const third = await read();
    expect(third.map((p) => Buffer.from(p.payload).toString())).toEqual(['e']);
  });
});
