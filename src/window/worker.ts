/**
 * A window worker thread: owns one tokenizer and the open windows of the partitions main routes
 * to it. Decodes each payload (gzip, JSON envelopes and records, or text), tokenizes it, adds it
 * to the windows, and acks with its counters; closes windows when main's barrier says so; takes a
 * partition's emitted-windows mark when main passes one on, and lets a partition assigned while
 * running catch up (a partition taken over from another replica).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { isGzip, startsJson } from '../decode/detect.js';
import { deaggregate, isKplAggregate } from '../decode/kpl.js';
import { parseFormat, sameFormat, type Format } from '../format/format.js';
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
  new Map(settings.emittedThrough ?? []),
);

const send = (message: FromWorker): void => port.postMessage(message);
// Larger output chunks than zlib's 16 KiB: a ~1,000-event envelope gunzips ~28% faster.
const GUNZIP = { chunkSize: 256 << 10 };
const formats = new Map<string, Format>();
const formatOf = (spec: string): Format => {
  let format = formats.get(spec);
  if (!format) {
    format = parseFormat(spec);
    formats.set(spec, format);
  }
  return format;
};

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

interface Piece {
  bytes: Uint8Array;
  json: boolean;
}

/**
 * The decoded pieces of a payload: a KPL aggregate is de-aggregated (its MD5 checked; a bad one
 * falls back to the raw bytes), then each piece is gunzipped when compressed and read as JSON
 * (CloudWatch Logs envelopes, message records) or text.
 */
function decode(payload: Uint8Array, undecodable: { reason: string | null }): { pieces: Piece[]; shape: PayloadShape } {
  const records = isKplAggregate(payload) ? (deaggregate(payload) ?? [payload]) : [payload];
  let shape: PayloadShape = records.length > 1 || records[0] !== payload ? 'kpl' : 'text';
  const pieces: Piece[] = [];
  for (let bytes of records) {
    if (isGzip(bytes)) {
      try {
        bytes = gunzipSync(bytes, GUNZIP);
        if (shape === 'text') shape = 'gzip_text';
      } catch {
        undecodable.reason = 'bad_gzip';
        continue;
      }
    }
    if (bytes.length === 0) continue;
    const json = startsJson(bytes);
    if (json && shape !== 'kpl') shape = shape === 'gzip_text' ? 'gzip_json' : 'json';
    pieces.push({ bytes, json });
  }
  if (pieces.length === 0 && undecodable.reason === null) shape = 'empty';
  return { pieces, shape };
}

function handleBatch(message: BatchMessage): void {
  const started = performance.now();
  const undecodable: { reason: string | null } = { reason: null };
  const { pieces, shape } = decode(message.payload, undecodable);
  const decoded = performance.now();
  const outcome = emptyOutcome(settings.windowSizes.length);
  const errors = new Map<string, number>();
  // Every piece starts from its format (the configured one unless the source says); a header line inside it switches.
  const format = message.format === null ? configured : formatOf(message.format);
  for (const piece of pieces) {
    tokenizer.reset(sameFormat(format, tokenizer.format) ? undefined : format);
    if (piece.json) addBatches(tokenizer.cloudWatchBatches(piece.bytes), message.partition, outcome, errors, undecodable);
    else addBatches(tokenizer.batches(piece.bytes), message.partition, outcome, errors, undecodable);
  }
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
    catchUp: outcome.catchUp,
    catchingUp: accumulator.catchingUp(message.partition),
    processing: accumulator.takeProcessing(),
    interfaceBytes: [...outcome.interfaceBytes],
    undecodable: undecodable.reason,
    ...(undecodable.reason !== null && settings.deadLetters ? { undecodablePayload: message.payload } : { buffer: message.payload.buffer as ArrayBuffer }),
    seconds: { decode: (decoded - started) / 1000, tokenize: (performance.now() - decoded) / 1000 },
    openWindows: settings.windowSizes.map((_, s) => store.openCount(s)),
  };
  // The payload's bytes go back either way: as the dead letter, or for reuse.
  port.postMessage(ack satisfies FromWorker, [message.payload.buffer as ArrayBuffer]);
}

port.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'batch') handleBatch(message);
    else if (message.type === 'close') send({ type: 'closed', barrier: message.barrier, partials: store.close(message.upTo, accumulator.slots) });
    else if (message.type === 'mark') accumulator.raiseEmittedThrough(message.partition, message.emittedThrough);
    else if (message.type === 'assigned') accumulator.assigned(message.partition);
    else port.close();
  } catch (error) {
    send({ type: 'failed', message: (error as Error).stack ?? String(error) });
  }
});
send({ type: 'ready' });
