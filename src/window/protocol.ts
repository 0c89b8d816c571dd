/**
 * Messages between main and the window workers. Payload bytes travel as transferred
 * ArrayBuffers; everything else is plain structured-clone data.
 */
import type { TotalsGroup } from './aggregators/groups.js';
import type { WindowTime } from './time.js';
import type { Subnet } from './classify.js';
import type { WindowPartial } from './window-store.js';

export interface WorkerSettings {
  format: string;
  windowSizes: number[];
  windowTime: WindowTime;
  maxFutureSeconds: number;
  outOfOrdernessSeconds: number;
  allowedLatenessSeconds: number;
  heavyHitterCapacity: number;
  maxOpenWindows: number;
  internalCidrs: string[];
  subnets: Subnet[];
  filter: string | null;
  maxRecordsPerBatch: number;
  maxLineBytes: number;
  /** Windows ending at or before this are already emitted (restored with committed positions). */
  closedThrough: number;
  /**
   * Per partition, windows ending at or before the mark already hold its replayed records (the
   * marks restored at start-up, and those main received since when it restarts a worker).
   */
  emittedThrough?: [partition: string, mark: number][];
  /** Send undecodable payloads back with their ack, for the dead-letter output. */
  deadLetters?: boolean;
}

export interface BatchMessage {
  type: 'batch';
  id: number;
  partition: string;
  /** Self-contained: whole lines, or whole JSON documents; a header line inside applies to the lines after it. */
  payload: Uint8Array;
  /** Format of this payload when not the configured one. */
  format: string | null;
}

export interface CloseMessage {
  type: 'close';
  barrier: number;
  upTo: number;
}

/** A partition's emitted-windows mark, read after start-up (see WorkerSettings.emittedThrough); sent before its payloads. */
export interface MarkMessage {
  type: 'mark';
  partition: string;
  emittedThrough: number;
}

/**
 * The partition is read here from now on, after windows may have closed without its records (a
 * Kafka assignment): it catches up (see accumulate.ts). Sent before its mark and its payloads.
 */
export interface AssignedMessage {
  type: 'assigned';
  partition: string;
}

export type ToWorker = BatchMessage | CloseMessage | MarkMessage | AssignedMessage | { type: 'stop' };

/** Counters of one payload (see accumulate.ts BatchOutcome), as plain data. */
export interface AckMessage {
  type: 'ack';
  id: number;
  partition: string;
  payloadBytes: number;
  shape: PayloadShape;
  rows: number;
  good: number;
  filtered: number;
  errors: [reason: string, count: number][];
  late: number[];
  droppedNoTime: number;
  droppedFuture: number;
  droppedWindowCap: number;
  maxEventTime: number;
  lastWindowEnd: number;
  /**
   * Per window size: records counted in catch-up windows. Those windows go out with the next close
   * barrier, so the payload is safe to commit only after a barrier begun once this ack was in.
   */
  catchUp: number[];
  /** The partition is still catching up after this payload: its records may go into catch-up windows. */
  catchingUp: boolean;
  /** Processing-time totals of the payload by group. */
  processing: TotalsGroup[];
  interfaceBytes: [interfaceId: string, bytes: number][];
  /** Envelope problems (malformed, no_events) and payloads that could not be decoded. */
  undecodable: string | null;
  /** The payload's bytes when undecodable and dead letters are on. */
  undecodablePayload?: Uint8Array;
  /** Otherwise the payload's buffer, transferred back for main to reuse (payload-buffers.ts). */
  buffer?: ArrayBuffer;
  seconds: { decode: number; tokenize: number };
  openWindows: number[];
}

export type PayloadShape = 'text' | 'json' | 'gzip_text' | 'gzip_json' | 'kpl' | 'empty';

export interface ClosedMessage {
  type: 'closed';
  barrier: number;
  partials: WindowPartial[];
}

export type FromWorker = { type: 'ready' } | AckMessage | ClosedMessage | { type: 'failed'; message: string };
