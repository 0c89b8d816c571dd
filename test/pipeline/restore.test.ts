/**
 * Emitted-windows marks restored while running (a partition taken over from another replica):
 * the partition's records in windows ending at or before its mark are late, later ones count; a
 * lower mark afterwards changes nothing, other partitions are not affected, and a worker restarted
 * afterwards still has the mark.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/registry.js';
import { startPipeline } from '../../src/pipeline/pipeline.js';
import type { WindowResult } from '../../src/pipeline/window-results.js';
import { manualSource } from '../helpers/manual-source.js';
import { baseSettings } from '../helpers/run-pipeline.js';

const T = 1_700_000_400; // on a 10-minute boundary
const encoder = new TextEncoder();
/** Records (default format) ending at these times, 10 bytes each. */
const records = (...ends: number[]): Uint8Array =>
  encoder.encode(ends.map((end) => `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.0.1 52.1.2.3 40000 443 6 1 10 ${end - 5} ${end} ACCEPT OK\n`).join(''));

describe('marks restored while running', () => {
  it("make a taken-over partition's records late up to its mark, even on a restarted worker", async () => {
    const { source, sink: given, end } = manualSource();
    const { registry, metrics } = createMetrics();
    const windows: WindowResult[] = [];
    const pipeline = await startPipeline(
      { settings: baseSettings(), workers: 1, maxInFlightBytes: 1 << 20, idleSeconds: 3600, topK: 10, interfaceCap: 10, pricePerGb: null, listen: null, once: true },
      { source, logger: pino({ level: 'silent' }), registry, metrics, onWindow: (w) => void windows.push(w) },
    );
    const sink = await given;
    const processed = async (count: number): Promise<void> => {
      while (pipeline.summary().records < count) await sleep(5);
    };

    sink.announce(['taken', 'own']);
    sink.restore(new Map([['taken', T + 120]]));
    // 1-minute windows ending T+60 and T+120 are at or before the mark; T+180 and the 10-minute one are not.
    await sink.push({ partition: 'taken', position: '1', payload: records(T + 30, T + 90, T + 150) });
    await sink.push({ partition: 'own', position: '1', payload: records(T + 30) });
    await processed(4);
    expect(pipeline.summary().late).toEqual({ '1m': 2, '10m': 0 });

    sink.restore(new Map([['taken', T + 60]])); // lower: the mark stays at T+120
    await pipeline.pool.kill(0);
    while (pipeline.summary().workerRestarts === 0) await sleep(5);
    await sink.push({ partition: 'taken', position: '2', payload: records(T + 100) });
    await processed(5);
    expect(pipeline.summary().late).toEqual({ '1m': 3, '10m': 0 });

    sink.endPartition('taken');
    sink.endPartition('own');
    end();
    const summary = await pipeline.done;
    expect(summary.late).toEqual({ '1m': 3, '10m': 0 });
    // The restart lost the first payloads' open windows; the 10-minute window has the last record.
    const flows = (size: number, start: number): number | undefined =>
      windows.filter((w) => w.size_seconds === size && w.start === start).reduce<number | undefined>((sum, w) => (sum ?? 0) + w.totals.reduce((s, g) => s + g.flows, 0), undefined);
    expect(flows(600, T)).toBe(1);
    expect(flows(60, T + 60)).toBeUndefined();
  });
});
