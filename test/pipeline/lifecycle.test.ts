/**
 * Stopping and failing: a stop drains every payload the source handed over (none is lost), and
 * a worker that dies is reported, restarted, and the run goes on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/registry.js';
import { startPipeline } from '../../src/pipeline/pipeline.js';
import type { Source, SourceSink } from '../../src/sources/source.js';
import { baseSettings } from '../helpers/run-pipeline.js';

const LINE = (i: number) => `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.${(i >> 8) & 255}.${i & 255} 52.1.2.3 40000 443 6 3 900 ${1_700_000_000 + i} ${1_700_000_030 + i} ACCEPT OK`;

/** Pushes payloads of 1000 lines until stopped, counting the lines it handed over. */
function endlessSource(): Source & { pushedLines: number } {
  let stopped = false;
  const source = {
    name: 'endless',
    pushedLines: 0,
    ready: true,
    stop() {
      stopped = true;
    },
    async run(sink: SourceSink) {
      const encoder = new TextEncoder();
      for (let n = 0; !stopped; n++) {
        const lines = Array.from({ length: 1000 }, (_, i) => LINE(n * 1000 + i));
        await sink.push({ partition: `p${n % 3}`, position: String(n), payload: encoder.encode(`${lines.join('\n')}\n`) });
        source.pushedLines += 1000;
        if (n % 20 === 0) await sleep(1);
      }
    },
  };
  return source;
}

async function start(source: Source, workers = 2) {
  const { registry, metrics } = createMetrics();
  const pipeline = await startPipeline(
    { settings: baseSettings(), workers, maxInFlightBytes: 1 << 20, idleSeconds: 3600, topK: 10, interfaceCap: 10, pricePerGb: null, listen: null, once: false },
    { source, logger: pino({ level: 'silent' }), registry, metrics },
  );
  return { pipeline, registry };
}

describe('pipeline lifecycle', () => {
  it('stop() drains: every record handed over is counted, none in flight is lost', async () => {
    const source = endlessSource();
    const { pipeline } = await start(source);
    await sleep(1500);
    const begun = Date.now();
    const summary = await pipeline.stop('SIGTERM');
    expect(Date.now() - begun).toBeLessThan(5000);
    expect(source.pushedLines).toBeGreaterThan(10_000);
    expect(summary.records).toBe(source.pushedLines);
    expect(summary.good).toBe(source.pushedLines);
  });

  it('a worker that dies is restarted; windows it held are marked incomplete; the run goes on', async () => {
    const source = endlessSource();
    const { pipeline, registry } = await start(source, 2);
    await sleep(800);
    await pipeline.pool.kill(0);
    await sleep(1500);
    expect(pipeline.ready).toBe(true);
    const before = pipeline.summary().records;
    await sleep(500);
    expect(pipeline.summary().records).toBeGreaterThan(before);
    const summary = await pipeline.stop('test');
    expect(summary.workerRestarts).toBe(1);
    expect(await registry.metrics()).toMatch(/^vpcflow_worker_restarts_total 1$/m);
  });
});
