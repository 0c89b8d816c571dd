/**
 * A window worker thread: owns one tokenizer and the open windows of the partitions main routes
 * to it. Decodes each payload (gzip, JSON envelopes and records, or text), tokenizes it, adds it
 * to the windows, and acks with its counters; closes windows when main's barrier says so.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { isGzip, startsJsonObject } from '../decode/detect.js';
import { parseFormat, sameFormat } from '../format/format.js';
import { createTokenizerSync, STATUS_NAMES, type RecordBatch, type Tokenizer } from '../tokenizer/index.js';
import { Accumulator, emptyOutcome, type BatchOutcome } from './accumulate.js';
import { createClassifier } from './classify.js';
import { compileFilter } from './filter.js';
import type { AckMessage, BatchMessage, FromWorker, PayloadShape, ToWorker, WorkerSettings } from './protocol.js';
import { WindowStore } from './window-store.js';

interface WorkerData {
  settings: WorkerSettings;
  module: WebAssembly.Module;
}

const port = parentPort!;
const { settings, module } = workerData as WorkerData;
const configured = parseFormat(settings.format);
const tokenizer: Tokenizer = createTokenizerSync(module, { format: configured, maxRecords: settings.maxRecordsPerBatch, maxLineBytes: settings.maxLineBytes });
const store = new WindowStore(settings.windowSizes, settings.heavyHitterCapacity, settings.maxOpenWindows, settings.closedThrough);
const accumulator = new Accumulator(
  store,
  createClassifier(settings.internalCidrs, settings.subnets),
  settings.filter ? compileFilter(settings.filter) : null,
  {
    windowTime: settings.windowTime,
    outOfOrdernessSeconds: settings.outOfOrdernessSeconds,
    allowedLatenessSeconds: settings.allowedLatenessSeconds,
    maxFutureSeconds: settings.maxFutureSeconds,
    now: Date.now,
  },
  settings.maxRecordsPerBatch,
);

const send = (message: FromWorker): void => port.postMessage(message);

function addBatches(batches: Iterable<RecordBatch>, partition: string, outcome: BatchOutcome, errors: Map<string, number>, undecodable: { reason: string | null }): void {
  for (const batch of batches) {
    if (batch.envelope && batch.envelope.status !== 'ok') undecodable.reason = `envelope_${batch.envelope.status}`;
    if (batch.errorCount > 0) {
      for (let row = 0; row < batch.length; row++) {
        const status = batch.status[row]!;
        if (status !== 0) errors.set(STATUS_NAMES[status]!, (errors.get(STATUS_NAMES[status]!) ?? 0) + 1);
      }
    }
    accumulator.add(batch, partition, outcome);
  }
}

function handleBatch(message: BatchMessage): void {
  const started = performance.now();
  let bytes = message.payload;
  let shape: PayloadShape = 'text';
  const undecodable: { reason: string | null } = { reason: null };
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
      shape = 'gzip_text';
    } catch {
      undecodable.reason = 'bad_gzip';
      bytes = new Uint8Array(0);
    }
  }
  const json = bytes.length > 0 && startsJsonObject(bytes);
  if (json) shape = shape === 'gzip_text' ? 'gzip_json' : 'json';
  if (bytes.length === 0 && undecodable.reason === null) shape = 'empty';
  const decoded = performance.now();
  const outcome = emptyOutcome(settings.windowSizes.length);
  const errors = new Map<string, number>();
  // Every payload starts from the configured format; a header line inside it switches.
  tokenizer.reset(sameFormat(configured, tokenizer.format) ? undefined : configured);
  if (json) addBatches(tokenizer.cloudWatchBatches(bytes), message.partition, outcome, errors, undecodable);
  else if (bytes.length > 0) addBatches(tokenizer.batches(bytes), message.partition, outcome, errors, undecodable);
  const ack: AckMessage = {
    type: 'ack',
    id: message.id,
    partition: message.partition,
    payloadBytes: message.payload.length,
    shape,
    rows: outcome.rows,
    good: outcome.good,
    filtered: outcome.filtered,
    errors: [...errors],
    late: outcome.late,
    droppedNoTime: outcome.droppedNoTime,
    droppedFuture: outcome.droppedFuture,
    droppedWindowCap: outcome.droppedWindowCap,
    maxEventTime: outcome.maxEventTime,
    lastWindowEnd: outcome.lastWindowEnd,
    processing: accumulator.takeProcessing(),
    interfaceBytes: [...outcome.interfaceBytes],
    undecodable: undecodable.reason,
    seconds: { decode: (decoded - started) / 1000, tokenize: (performance.now() - decoded) / 1000 },
    openWindows: settings.windowSizes.map((_, s) => store.openCount(s)),
  };
  send(ack);
}

port.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'batch') handleBatch(message);
    else if (message.type === 'close') send({ type: 'closed', barrier: message.barrier, partials: store.close(message.upTo, accumulator.slots) });
    else port.close();
  } catch (error) {
    send({ type: 'failed', message: (error as Error).stack ?? String(error) });
  }
});
send({ type: 'ready' });
