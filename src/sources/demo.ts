/**
 * The built-in demo feed: realistic flow logs generated live with current timestamps (the
 * benchmark generator, with traffic spikes, a port-scan burst of REJECTs and NODATA/SKIPDATA
 * bursts), paced to a records-per-second rate, spread over a few partitions.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Format } from '../format/format.js';
import { createFlowGenerator, renderLine } from '../generator/index.js';
import type { Source, SourceSink } from './source.js';

export interface DemoSourceOptions {
  recordsPerSecond: number;
  format: Format;
  partitions: number;
  seed: number;
  /** Wall clock in milliseconds (tests pass their own). */
  now?: () => number;
  /** Stop after this many records (tests); default: run until stopped. */
  maxRecords?: number;
}

const TICK_MS = 250;

export function createDemoSource(options: DemoSourceOptions): Source {
  const now = options.now ?? Date.now;
  let stopped = false;
  let ready = false;
  let records = 0;
  return {
    name: 'demo',
    get ready() {
      return ready;
    },
    progress: () => ({ bytes: records, totalBytes: null }),
    stop() {
      stopped = true;
    },
    async run(sink: SourceSink) {
      const generator = createFlowGenerator({
        seed: options.seed,
        startTime: Math.floor(now() / 1000),
        recordsPerSecond: options.recordsPerSecond,
        scenarios: true,
      });
      ready = true;
      const encoder = new TextEncoder();
      let tick = 0;
      const started = now();
      while (!stopped && (options.maxRecords === undefined || records < options.maxRecords)) {
        // Generate up to the wall clock: the generator's event clock follows real time.
        const due = Math.floor(((now() - started) / 1000) * options.recordsPerSecond) - records;
        const count = Math.min(Math.max(due, 0), options.maxRecords === undefined ? Infinity : options.maxRecords - records);
        if (count > 0) {
          const lines: string[][] = Array.from({ length: options.partitions }, () => []);
          for (let i = 0; i < count; i++) lines[i % options.partitions]!.push(renderLine(generator.next(), options.format));
          records += count;
          for (let p = 0; p < options.partitions; p++) {
            if (lines[p]!.length === 0) continue;
            await sink.push({ partition: `demo#${p}`, position: String(tick), payload: encoder.encode(`${lines[p]!.join('\n')}\n`), owned: true });
          }
          tick++;
        }
        if (options.maxRecords === undefined || records < options.maxRecords) await sleep(TICK_MS);
      }
      for (let p = 0; p < options.partitions; p++) sink.endPartition(`demo#${p}`);
      ready = false;
    },
  };
}
