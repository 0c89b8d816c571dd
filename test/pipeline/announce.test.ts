/**
 * Partitions a source announces hold the watermark back before their first payload: a fast
 * partition cannot close the windows a slow one still has records for.
 */
import { describe, expect, it } from 'vitest';
import { createFlowGenerator } from '../../src/generator/index.js';
import type { Source, SourceSink } from '../../src/sources/source.js';
import { baseSettings, runPipeline } from '../helpers/run-pipeline.js';
import { lines } from '../helpers/stream-totals.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Partition "fast" sends records an hour ahead of partition "slow", whose records come 1.5 s later. */
function twoPartitions(announce: boolean): Source {
  const early = createFlowGenerator({ seed: 3, recordsPerSecond: 20, startTime: Date.UTC(2026, 0, 1) / 1000 });
  const late = createFlowGenerator({ seed: 4, recordsPerSecond: 20, startTime: Date.UTC(2026, 0, 1, 1) / 1000 });
  const payload = (generator: typeof early): Uint8Array => new TextEncoder().encode(lines(Array.from({ length: 2_000 }, () => generator.next())));
  return {
    name: 'test',
    ready: true,
    stop() {},
    async run(sink: SourceSink) {
      if (announce) sink.announce(['fast', 'slow']);
      await sink.push({ partition: 'fast', position: '1', payload: payload(late) });
      // Long enough for the pipeline's once-a-second close to run on the fast partition alone.
      await sleep(1_500);
      await sink.push({ partition: 'slow', position: '1', payload: payload(early) });
      sink.endPartition('fast');
      sink.endPartition('slow');
    },
  };
}

describe('announced partitions', () => {
  it('hold the watermark until their first payload: no record of the slow partition is late', async () => {
    const { summary } = await runPipeline(twoPartitions(true), baseSettings(), { idleSeconds: 60 });
    expect(summary.good).toBe(4_000);
    expect(summary.late).toEqual({ '1m': 0, '10m': 0 });
  });

  it('(the same source without announcing loses the slow partition to lateness: what the announcement prevents)', async () => {
    const { summary } = await runPipeline(twoPartitions(false), baseSettings(), { idleSeconds: 60 });
    expect(summary.late['1m']).toBe(2_000);
  });
});
