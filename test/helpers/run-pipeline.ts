/**
 * Running the real pipeline in-process on payloads the test provides, through the Source
 * interface (the file/stdin/demo sources are tested on their own).
 */
import { pino } from 'pino';
import type { DeadLetter, DeadLetterOutcome } from '../../src/dead-letter/dead-letter.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { startPipeline, type PipelineOptions, type RunSummary } from '../../src/pipeline/pipeline.js';
import type { WindowResult } from '../../src/pipeline/window-results.js';
import type { Source, SourceSink } from '../../src/sources/source.js';
import type { WorkerSettings } from '../../src/window/protocol.js';

export interface TestPayload {
  partition: string;
  /** Text, or bytes sent as they are (gzip). */
  text: string | Uint8Array;
}

export function payloadSource(payloads: readonly TestPayload[]): Source {
  let ready = false;
  return {
    name: 'test',
    get ready() {
      return ready;
    },
    stop() {},
    async run(sink: SourceSink) {
      ready = true;
      const encoder = new TextEncoder();
      const partitions = new Set<string>();
      let position = 0;
      for (const { partition, text } of payloads) {
        partitions.add(partition);
        await sink.push({ partition, position: String(++position), payload: typeof text === 'string' ? encoder.encode(text) : text });
      }
      for (const partition of partitions) sink.endPartition(partition);
      ready = false;
    },
  };
}

export const baseSettings = (overrides: Partial<WorkerSettings> = {}): WorkerSettings => ({
  format: 'default',
  windowSizes: [60, 600],
  windowTime: 'end',
  maxFutureSeconds: 100 * 365 * 86400,
  outOfOrdernessSeconds: 60,
  allowedLatenessSeconds: 120,
  heavyHitterCapacity: 1000,
  maxOpenWindows: 10_000,
  internalCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'],
  subnets: [],
  filter: null,
  maxRecordsPerBatch: 4096,
  maxLineBytes: 65536,
  closedThrough: -Infinity,
  ...overrides,
});

export async function runPipeline(
  source: Source,
  settings: WorkerSettings,
  options: Partial<PipelineOptions> = {},
  extras: { deadLetter?: (counted: DeadLetterOutcome) => DeadLetter } = {},
): Promise<{ windows: WindowResult[]; summary: RunSummary; metrics: string }> {
  const { registry, metrics } = createMetrics();
  const windows: WindowResult[] = [];
  const deadLetter = extras.deadLetter?.((outcome, reason) => metrics.deadLetters.inc({ outcome, reason }));
  const pipeline = await startPipeline(
    { settings, workers: 2, maxInFlightBytes: 4 << 20, idleSeconds: 3600, topK: 10, interfaceCap: 100, pricePerGb: null, listen: null, once: true, ...options },
    { source, logger: pino({ level: 'silent' }), registry, metrics, onWindow: (w) => void windows.push(w), ...(deadLetter ? { deadLetter } : {}) },
  );
  const summary = await pipeline.done;
  return { windows, summary, metrics: await registry.metrics() };
}
