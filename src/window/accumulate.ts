/**
 * The hot loop of a worker: one RecordBatch into the open windows and the batch's counters.
 *
 * Lateness is decided in-band, per partition, so it does not depend on timing: a record is late
 * for a window size when its window ends at or before its partition's watermark so far (highest
 * event time before it − out-of-orderness − allowed lateness), or when main has already closed
 * the window (an idle partition coming back, a replay).
 *
 * Per good record: event time, filter, group cell (action × protocol × status × direction ×
 * class), then per window size its window's dense totals (or the late counter). Heavy hitters are
 * summed exactly per batch into typed hash tables keyed by the smallest window, then merged into
 * each size's summaries once per batch. Columns are read as typed arrays; nothing is allocated
 * per record.
 */
import type { RecordBatch } from '../tokenizer/index.js';
import { ipText } from '../tokenizer/index.js';
import { CELLS, ProtocolSlots, SLOT_FOR_NULL, cellOf, groupsOf, type TotalsGroup } from './aggregators/groups.js';
import { KeyTable } from './aggregators/key-table.js';
import {
  CLASS_AWS_SERVICE, CLASS_CROSS_AZ, CLASS_INTERNAL, CLASS_INTERNET, CLASS_UNKNOWN, DIRECTION_EGRESS, DIRECTION_INGRESS, DIRECTION_UNKNOWN,
  type Classifier,
} from './classify.js';
import type { OpenWindow } from './window-store.js';
import type { RowFilter } from './filter.js';
import { prorate, toSeconds, type WindowTime } from './time.js';
import type { WindowStore } from './window-store.js';

const TWO_32 = 4294967296;
const ACTION_REJECT = 2;
const FAMILY_V4 = 4;

/** What one payload did, for main: counters, watermark input and the commit tracker. */
export interface BatchOutcome {
  rows: number;
  good: number;
  filtered: number;
  /** Per window size: records whose window had already closed. */
  late: number[];
  droppedNoTime: number;
  droppedFuture: number;
  droppedWindowCap: number;
  /** Highest event time among good records (Unix seconds), or -Infinity. */
  maxEventTime: number;
  /** Latest window end any record of the payload went into: the payload is safe to commit once that window closed. */
  lastWindowEnd: number;
  /** Bytes per interface id in this payload. */
  interfaceBytes: Map<string, number>;
}

export function emptyOutcome(sizes: number): BatchOutcome {
  return {
    rows: 0,
    good: 0,
    filtered: 0,
    late: new Array<number>(sizes).fill(0),
    droppedNoTime: 0,
    droppedFuture: 0,
    droppedWindowCap: 0,
    maxEventTime: -Infinity,
    lastWindowEnd: -Infinity,
    interfaceBytes: new Map(),
  };
}

export interface AccumulateSettings {
  windowTime: WindowTime;
  outOfOrdernessSeconds: number;
  allowedLatenessSeconds: number;
  /** Records whose event time is further than this past the wall clock are dropped. */
  maxFutureSeconds: number;
  now: () => number;
}

/** Per-batch exact heavy-hitter sums for one smallest-size window. */
class BatchSums {
  readonly talkers: KeyTable;
  readonly rejectedPorts: KeyTable;
  readonly rejectedSources: KeyTable;
  readonly interfaces: KeyTable;
  constructor(rows: number) {
    this.talkers = new KeyTable(rows);
    this.rejectedPorts = new KeyTable(rows);
    this.rejectedSources = new KeyTable(rows);
    this.interfaces = new KeyTable(rows);
  }
  clear(): void {
    this.talkers.clear();
    this.rejectedPorts.clear();
    this.rejectedSources.clear();
    this.interfaces.clear();
  }
}

/** A 52-bit key for an IPv6 address (collisions need ~2^26 distinct addresses in one window). */
function ipv6Key(words: Uint32Array, at: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < 4; i++) {
    h1 = Math.imul(h1 ^ words[at + i]!, 0x01000193);
    h2 = Math.imul(h2 ^ words[at + 3 - i]!, 0x85ebca6b);
  }
  return TWO_32 + ((h1 >>> 0) + (h2 & 0xfffff) * TWO_32);
}

/** A 52-bit key for a text (interface ids). */
function textKey(bytes: Uint8Array): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i]!, 0x01000193);
    h2 = Math.imul(h2 ^ bytes[i]!, 0x85ebca6b);
  }
  return (h1 >>> 0) + (h2 & 0xfffff) * TWO_32;
}

export class Accumulator {
  readonly slots = new ProtocolSlots();
  readonly #store: WindowStore;
  readonly #classifier: Classifier;
  readonly #filter: RowFilter | null;
  readonly #settings: AccumulateSettings;
  readonly #processing = new Float64Array(CELLS * 3);
  readonly #sums = new Map<number, BatchSums>();
  readonly #spare: BatchSums[] = [];
  readonly #rows: number;
  readonly #partitionMax = new Map<string, number>();

  constructor(store: WindowStore, classifier: Classifier, filter: RowFilter | null, settings: AccumulateSettings, maxRows: number) {
    this.#store = store;
    this.#classifier = classifier;
    this.#filter = filter;
    this.#settings = settings;
    this.#rows = maxRows;
  }

  #sumsFor(windowStart: number): BatchSums {
    let sums = this.#sums.get(windowStart);
    if (!sums) {
      sums = this.#spare.pop() ?? new BatchSums(this.#rows);
      this.#sums.set(windowStart, sums);
    }
    return sums;
  }

  /** Add the good records of `batch`, from `partition`, into the open windows and `outcome`. */
  add(batch: RecordBatch, partition: string, outcome: BatchOutcome): void {
    const n = batch.length;
    outcome.rows += n;
    if (n === 0) return;
    const has = (name: string): boolean => batch.has(name);
    const timeField = this.#settings.windowTime === 'start' ? 'start' : 'end';
    if (!has(timeField)) {
      outcome.droppedNoTime += n - batch.errorCount;
      return;
    }
    const status = batch.status;
    const times = batch.words(timeField);
    const timeValid = batch.validity(timeField);
    const startWords = this.#settings.windowTime === 'prorate' && has('start') ? batch.words('start') : null;
    const startValid = startWords ? batch.validity('start') : null;
    const actions = has('action') ? (batch.column('action') as Uint8Array) : null;
    const statuses = has('log-status') ? (batch.column('log-status') as Uint8Array) : null;
    const protocols = has('protocol') ? (batch.column('protocol') as Uint32Array) : null;
    const protocolValid = protocols ? batch.validity('protocol') : null;
    const directions = has('flow-direction') ? (batch.column('flow-direction') as Uint8Array) : null;
    const src = has('srcaddr') ? batch.words('srcaddr') : null;
    const srcFamily = src ? batch.validity('srcaddr') : null;
    const dst = has('dstaddr') ? batch.words('dstaddr') : null;
    const dstFamily = dst ? batch.validity('dstaddr') : null;
    const srcService = has('pkt-src-aws-service') ? (batch.column('pkt-src-aws-service') as Uint32Array) : null;
    const dstService = has('pkt-dst-aws-service') ? (batch.column('pkt-dst-aws-service') as Uint32Array) : null;
    const azIds = has('az-id') ? (batch.column('az-id') as Uint32Array) : null;
    const packetWords = has('packets') ? batch.words('packets') : null;
    const packetValid = packetWords ? batch.validity('packets') : null;
    const byteWords = has('bytes') ? batch.words('bytes') : null;
    const byteValid = byteWords ? batch.validity('bytes') : null;
    const ports = has('dstport') ? (batch.column('dstport') as Uint32Array) : null;
    const portValid = ports ? batch.validity('dstport') : null;
    const interfaces = has('interface-id') ? (batch.column('interface-id') as Uint32Array) : null;
    const rowFilter = this.#filter?.bind(batch) ?? null;

    const store = this.#store;
    const sizes = store.sizes;
    const closedThrough = store.closedThrough;
    const smallest = sizes[0]!;
    const classifier = this.#classifier;
    const processing = this.#processing;
    const prorating = this.#settings.windowTime === 'prorate';
    const futureLimit = this.#settings.now() / 1000 + this.#settings.maxFutureSeconds;
    const azText: (string | undefined)[] = [];
    const lastStart = new Float64Array(sizes.length).fill(NaN);
    const lastWindow: (OpenWindow | null)[] = sizes.map((): OpenWindow | null => null);
    let maxEventTime = outcome.maxEventTime;
    let partitionMax = this.#partitionMax.get(partition) ?? -Infinity;
    const behind = this.#settings.outOfOrdernessSeconds + this.#settings.allowedLatenessSeconds;
    let lastWindowEnd = outcome.lastWindowEnd;
    let good = 0;
    let filtered = 0;
    let noTime = 0;
    let future = 0;
    let windowCap = 0;
    let sumsStart = NaN;
    let sums: BatchSums | null = null;

    for (let row = 0; row < n; row++) {
      if (status[row] !== 0) continue;
      if (timeValid[row] === 0) {
        noTime++;
        continue;
      }
      const time = toSeconds(times[row * 2]! + times[row * 2 + 1]! * TWO_32);
      if (time > futureLimit) {
        future++;
        continue;
      }
      if (rowFilter !== null && !rowFilter(row)) {
        filtered++;
        continue;
      }
      good++;
      if (time > maxEventTime) maxEventTime = time;
      const lateThrough = partitionMax - behind;
      if (time > partitionMax) partitionMax = time;
      const action = actions === null ? 0 : actions[row]!;
      const logStatus = statuses === null ? 0 : statuses[row]!;
      const slot = protocolValid === null || protocolValid[row] === 0 ? SLOT_FOR_NULL : this.slots.slot(protocols![row]! & 0xff);
      const srcFam = srcFamily === null ? 0 : srcFamily[row]!;
      const dstFam = dstFamily === null ? 0 : dstFamily[row]!;
      const srcInternal = srcFam !== 0 && classifier.isInternal(src!, row * 4);
      const dstInternal = dstFam !== 0 && classifier.isInternal(dst!, row * 4);
      let direction = directions === null ? 0 : directions[row]!;
      if (direction === DIRECTION_UNKNOWN && srcFam !== 0 && dstFam !== 0 && srcInternal !== dstInternal) {
        direction = srcInternal ? DIRECTION_EGRESS : DIRECTION_INGRESS;
      }
      let trafficClass = CLASS_UNKNOWN;
      if ((srcService !== null && srcService[row] !== 0) || (dstService !== null && dstService[row] !== 0)) {
        trafficClass = CLASS_AWS_SERVICE;
      } else if (srcFam !== 0 && dstFam !== 0) {
        const remoteInternal = direction === DIRECTION_INGRESS ? srcInternal : direction === DIRECTION_EGRESS ? dstInternal : srcInternal && dstInternal;
        trafficClass = remoteInternal ? CLASS_INTERNAL : CLASS_INTERNET;
        if (remoteInternal && azIds !== null && azIds[row] !== 0) {
          const id = azIds[row]!;
          const localAz = (azText[id] ??= batch.text(id));
          const remoteAz = classifier.azOf(direction === DIRECTION_INGRESS ? src! : dst!, row * 4);
          if (remoteAz !== null && remoteAz !== localAz) trafficClass = CLASS_CROSS_AZ;
        }
      }
      const packets = packetValid === null || packetValid[row] === 0 ? 0 : packetWords![row * 2]! + packetWords![row * 2 + 1]! * TWO_32;
      const bytes = byteValid === null || byteValid[row] === 0 ? 0 : byteWords![row * 2]! + byteWords![row * 2 + 1]! * TWO_32;
      const cell = cellOf(action, slot, logStatus, direction, trafficClass) * 3;
      processing[cell]! += 1;
      processing[cell + 1]! += packets;
      processing[cell + 2]! += bytes;

      let start = time;
      if (prorating && startValid !== null && startValid[row] !== 0) {
        start = Math.min(time, toSeconds(startWords![row * 2]! + startWords![row * 2 + 1]! * TWO_32));
      }
      for (let s = 0; s < sizes.length; s++) {
        const size = sizes[s]!;
        // Most records fall in the previous record's window: a range check instead of a modulo.
        let windowStart = lastStart[s]!;
        if (!(time >= windowStart && time < windowStart + size)) {
          windowStart = time - (time % size);
          lastStart[s] = windowStart;
          lastWindow[s] = null;
        }
        if (windowStart + size <= closedThrough[s]! || windowStart + size <= lateThrough) {
          outcome.late[s]!++;
          continue;
        }
        if (lastWindow[s] === null) lastWindow[s] = store.window(s, windowStart);
        const window = lastWindow[s] ?? null;
        if (window === null) {
          windowCap++;
          continue;
        }
        if (windowStart + size > lastWindowEnd) lastWindowEnd = windowStart + size;
        const cells = window.cells;
        cells[cell]! += 1;
        if (!prorating || start >= time) {
          cells[cell + 1]! += packets;
          cells[cell + 2]! += bytes;
        } else {
          // Flows count once, at the end; packets and bytes spread over the windows [start, end) covers.
          this.#spread(s, cell, packets, 1, start, time, lateThrough, outcome);
          this.#spread(s, cell, bytes, 2, start, time, lateThrough, outcome);
        }
      }

      // Heavy hitters: exact per-batch sums, keyed by the smallest window of the record's end.
      if (action === 0 && bytes === 0) continue;
      if (!(time >= sumsStart && time < sumsStart + smallest)) {
        sumsStart = time - (time % smallest);
        sums = this.#sumsFor(sumsStart);
      }
      const srcKey = srcFam === 0 ? -1 : srcFam === FAMILY_V4 ? src![row * 4 + 3]! : ipv6Key(src!, row * 4);
      const dstKey = dstFam === 0 ? -1 : dstFam === FAMILY_V4 ? dst![row * 4 + 3]! : ipv6Key(dst!, row * 4);
      if (srcKey >= 0 && dstKey >= 0 && bytes > 0) sums!.talkers.add(srcKey, dstKey, bytes, row);
      if (interfaces !== null && interfaces[row] !== 0 && bytes > 0) sums!.interfaces.add(interfaces[row]!, 0, bytes, row);
      if (action === ACTION_REJECT) {
        if (portValid !== null && portValid[row] !== 0) sums!.rejectedPorts.add(protocols === null ? -1 : protocols[row]!, ports![row]!, 1, row);
        if (srcKey >= 0) sums!.rejectedSources.add(srcKey, 0, 1, row);
      }
    }
    outcome.good += good;
    outcome.filtered += filtered;
    outcome.droppedNoTime += noTime;
    outcome.droppedFuture += future;
    outcome.droppedWindowCap += windowCap;
    outcome.maxEventTime = maxEventTime;
    outcome.lastWindowEnd = lastWindowEnd;
    this.#partitionMax.set(partition, partitionMax);
    this.#mergeSums(batch, outcome);
  }

  /** Prorate `value` (column `offset` of the cell: 1 packets, 2 bytes) over size index `s`. */
  #spread(s: number, cell: number, value: number, offset: number, start: number, end: number, lateThrough: number, outcome: BatchOutcome): void {
    const store = this.#store;
    const size = store.sizes[s]!;
    let late = false;
    prorate(value, start, end, size, (windowStart, amount) => {
      if (windowStart + size <= store.closedThrough[s]! || windowStart + size <= lateThrough) {
        late = true;
        return;
      }
      const window = store.window(s, windowStart);
      if (window === null) {
        outcome.droppedWindowCap++;
        return;
      }
      window.cells[cell + offset]! += amount;
    });
    // Part of the record fell in windows already closed: it is late there.
    if (late && offset === 2) outcome.late[s]!++;
  }

  /** Fold the batch's exact heavy-hitter sums into the smallest windows' summaries; labels come from the batch. */
  #mergeSums(batch: RecordBatch, outcome: BatchOutcome): void {
    const store = this.#store;
    const src = batch.has('srcaddr') ? batch.words('srcaddr') : null;
    const srcFamily = src ? batch.validity('srcaddr') : null;
    const dst = batch.has('dstaddr') ? batch.words('dstaddr') : null;
    const dstFamily = dst ? batch.validity('dstaddr') : null;
    const v6Label = (words: Uint32Array | null, family: Uint8Array | null, row: number): string | undefined =>
      words !== null && family !== null && family[row] !== FAMILY_V4 ? (ipText(words, family[row]!, row) ?? undefined) : undefined;
    for (const [sumsWindow, sums] of this.#sums) {
      // Interface ids are per-batch dictionary ids: turn them into stable keys and labels once.
      const interfaceKeys = new Float64Array(sums.interfaces.size);
      const interfaceLabels: string[] = [];
      for (let i = 0; i < sums.interfaces.size; i++) {
        const id = sums.interfaces.keys1[i]!;
        interfaceKeys[i] = textKey(batch.textBytes(id));
        interfaceLabels[i] = batch.text(id);
        outcome.interfaceBytes.set(interfaceLabels[i]!, (outcome.interfaceBytes.get(interfaceLabels[i]!) ?? 0) + sums.interfaces.weights[i]!);
      }
      // Only the smallest windows take batch sums; larger ones fold in the smallest windows'
      // summaries as those close (window-store.ts), which is mergeable and far cheaper.
      {
        const size = store.sizes[0]!;
        const start = sumsWindow - (sumsWindow % size);
        const window = start + size <= store.closedThrough[0]! ? undefined : store.existing(0, start);
        if (!window) {
          sums.clear();
          this.#spare.push(sums);
          continue;
        }
        const hh = window.heavyHitters;
        const talkers = sums.talkers;
        for (let i = 0; i < talkers.size; i++) {
          const k1 = talkers.keys1[i]!;
          const k2 = talkers.keys2[i]!;
          const w = talkers.weights[i]!;
          const row = talkers.rows[i]!;
          const label = k1 >= TWO_32 || k2 >= TWO_32 ? `${v6Label(src, srcFamily, row) ?? ipText(src!, srcFamily![row]!, row)} ${v6Label(dst, dstFamily, row) ?? ipText(dst!, dstFamily![row]!, row)}` : undefined;
          hh.talkers.add(k1, k2, w, label);
          hh.destinations.add(k2, 0, w, k2 >= TWO_32 ? v6Label(dst, dstFamily, row) : undefined);
        }
        const ports = sums.rejectedPorts;
        for (let i = 0; i < ports.size; i++) hh.rejected_ports.add(ports.keys1[i]!, ports.keys2[i]!, ports.weights[i]!);
        const sources = sums.rejectedSources;
        for (let i = 0; i < sources.size; i++) {
          const k1 = sources.keys1[i]!;
          hh.rejected_sources.add(k1, 0, sources.weights[i]!, k1 >= TWO_32 ? v6Label(src, srcFamily, sources.rows[i]!) : undefined);
        }
        for (let i = 0; i < sums.interfaces.size; i++) hh.interfaces.add(interfaceKeys[i]!, 0, sums.interfaces.weights[i]!, interfaceLabels[i]);
      }
      sums.clear();
      this.#spare.push(sums);
    }
    this.#sums.clear();
  }

  /** The processing-time totals gathered since the last call, by group; then starts over. */
  takeProcessing(): TotalsGroup[] {
    const groups = groupsOf(this.#processing, this.slots);
    this.#processing.fill(0);
    return groups;
  }
}

