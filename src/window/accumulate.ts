/**
 * The hot loop of a worker: one RecordBatch into the open windows and the batch's counters.
 *
 * Lateness is decided in-band, per partition, so it does not depend on timing: a record is late
 * for a window size when its window ends at or before its partition's watermark so far (highest
 * event time before it − out-of-orderness − allowed lateness), or when main has already closed
 * the window (an idle partition coming back, a replay), or when the window ends at or before the
 * partition's restored mark (emitted, with this partition's records, before a restart or by the
 * replica that owned the partition before a rebalance).
 *
 * Catching up: a partition assigned while running (a Kafka rebalance; another replica died) is
 * read again from its earlier owner's last commit, and windows this worker closed without it
 * (while the group waited out the dead owner's session) may never have been emitted with its
 * records. Until its own watermark reaches the windows closed here, such a partition's records
 * are late only by its own watermark and its mark (and windows closed before this run started,
 * whose marks say who emitted them); a record for a window closed here but above that goes into a
 * catch-up window (window-store.ts) that the next close returns for main to emit as a partial.
 *
 * Per good record: event time, filter, group cell (action × protocol × status × direction ×
 * class, looked up from the address kinds marked in a pass before), then per window size its
 * window's dense totals (or the late counter). The loop notes which smallest window each record
 * counted in; the heavy hitters of those records go into that window's summaries afterwards
 * (heavy-hitter-passes.ts), so they cover the same records as the window's totals. Columns are
 * read as typed arrays; nothing is allocated per record.
 */
import type { RecordBatch } from '../tokenizer/index.js';
import { CELLS, ProtocolSlots, SLOT_FOR_NULL, cellOf, groupsOf, type TotalsGroup } from './aggregators/groups.js';
import {
  ADDRESS_NONE, CLASS_AWS_SERVICE, CLASS_BY_KINDS, CLASS_CROSS_AZ, CLASS_INTERNAL, DIRECTION_BY_KINDS, DIRECTION_INGRESS, kindsIndex, type Classifier,
} from './classify.js';
import { readColumns } from './columns.js';
import type { RowFilter } from './filter.js';
import { addHeavyHitters, heavyHitterRows, NOT_GOOD, NO_WINDOW, type HeavyHitterRows } from './heavy-hitter-passes.js';
import { toSeconds, windowStart as windowOf, type WindowTime } from './time.js';
import { WindowCache } from './window-cache.js';
import type { OpenWindow, WindowStore } from './window-store.js';

const TWO_32 = 4294967296;
/** Where parts of a prorated record went, besides open windows (#spread). */
const SHARE_LATE = 1;
const SHARE_CATCH_UP = 2;

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
  /** Per window size: records counted (wholly or in part) in catch-up windows, emitted by the next close. */
  catchUp: number[];
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
    catchUp: new Array<number>(sizes).fill(0),
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

export class Accumulator {
  readonly slots = new ProtocolSlots();
  readonly #store: WindowStore;
  readonly #classifier: Classifier;
  readonly #filter: RowFilter | null;
  readonly #settings: AccumulateSettings;
  readonly #processing = new Float64Array(CELLS * 3);
  readonly #partitionMax = new Map<string, number>();
  readonly #emittedThrough: Map<string, number>;
  /** Partitions assigned while running whose watermark has not yet reached the windows closed here. */
  readonly #catchingUp = new Set<string>();
  /** Windows ending at or before this were closed before this worker started (the restored mark). */
  readonly #closedAtStart: number;
  readonly #cache: WindowCache;
  /** Per-row scratch, sized for the largest batch (the tokenizer's maxRecords). */
  #srcKinds: Uint8Array;
  #dstKinds: Uint8Array;
  #rows: HeavyHitterRows;

  constructor(store: WindowStore, classifier: Classifier, filter: RowFilter | null, settings: AccumulateSettings, maxRows: number, emittedThrough: ReadonlyMap<string, number> = new Map()) {
    this.#emittedThrough = new Map(emittedThrough);
    this.#store = store;
    this.#closedAtStart = Math.min(...store.closedThrough);
    this.#classifier = classifier;
    this.#filter = filter;
    this.#settings = settings;
    this.#cache = new WindowCache(store.sizes);
    this.#srcKinds = new Uint8Array(maxRows);
    this.#dstKinds = new Uint8Array(maxRows);
    this.#rows = heavyHitterRows(maxRows);
  }

  /**
   * Windows ending at or before `mark` already hold `partition`'s replayed records (its earlier
   * owner emitted them): a partition's mark only ever rises.
   */
  raiseEmittedThrough(partition: string, mark: number): void {
    if (mark > (this.#emittedThrough.get(partition) ?? -Infinity)) this.#emittedThrough.set(partition, mark);
  }

  /**
   * `partition` is read here from now on (assigned while running): until its own watermark reaches
   * the windows closed here, its records for them go into catch-up windows (see the module docs).
   */
  assigned(partition: string): void {
    this.#catchingUp.add(partition);
  }

  /** Whether `partition`'s records may still go into catch-up windows. */
  catchingUp(partition: string): boolean {
    return this.#catchingUp.has(partition);
  }

  /** Add the good records of `batch`, from `partition`, into the open windows and `outcome`. */
  add(batch: RecordBatch, partition: string, outcome: BatchOutcome): void {
    const n = batch.length;
    outcome.rows += n;
    if (n === 0) return;
    if (n > this.#srcKinds.length) this.#sizeRows(n);
    const prorating = this.#settings.windowTime === 'prorate';
    const classifier = this.#classifier;
    const columns = readColumns(batch, this.#settings.windowTime === 'start' ? 'start' : 'end', prorating, classifier.zoned);
    if (columns === null) {
      outcome.droppedNoTime += n - batch.errorCount;
      return;
    }
    const { status, times, timeValid, startWords, startValid, actions, statuses, protocols, protocolValid, directions, src, srcFamily, dst, dstFamily, srcService, dstService, azIds, packetWords, packetValid, byteWords, byteValid } = columns;
    const rowFilter = this.#filter?.bind(batch) ?? null;
    // Address kinds (none, external, internal) in a pass of their own: a table lookup for IPv4.
    const srcKinds = this.#srcKinds;
    const dstKinds = this.#dstKinds;
    if (src !== null) classifier.markAddresses(src, srcFamily!, n, srcKinds);
    else srcKinds.fill(ADDRESS_NONE, 0, n);
    if (dst !== null) classifier.markAddresses(dst, dstFamily!, n, dstKinds);
    else dstKinds.fill(ADDRESS_NONE, 0, n);

    const store = this.#store;
    const sizes = store.sizes;
    const closedThrough = store.closedThrough;
    const slotOf = this.slots.slotOf;
    const processing = this.#processing;
    const futureLimit = this.#settings.now() / 1000 + this.#settings.maxFutureSeconds;
    const azText: (string | undefined)[] = [];
    const cache = this.#cache;
    cache.clear();
    // Which smallest window each row counted in (an index into `windows`), for the heavy hitters.
    const rows = this.#rows;
    const rowWindow = rows.window.fill(NOT_GOOD, 0, n);
    const windows = rows.windows;
    windows.length = 0;
    let maxEventTime = outcome.maxEventTime;
    let partitionMax = this.#partitionMax.get(partition) ?? -Infinity;
    // Windows up to here already hold this partition's replayed records (emitted before a restart).
    // A partition catching up is late only by that and its own watermark, not by closedThrough.
    const catchingUp = this.#catchingUp.has(partition);
    const mark = this.#emittedThrough.get(partition) ?? -Infinity;
    const emitted = catchingUp ? Math.max(mark, this.#closedAtStart) : mark;
    const behind = this.#settings.outOfOrdernessSeconds + this.#settings.allowedLatenessSeconds;
    let lastWindowEnd = outcome.lastWindowEnd;
    let good = 0;
    let filtered = 0;
    let noTime = 0;
    let future = 0;
    let windowCap = 0;

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
      rowWindow[row] = NO_WINDOW;
      if (time > maxEventTime) maxEventTime = time;
      const lateThrough = Math.max(partitionMax - behind, emitted);
      if (time > partitionMax) partitionMax = time;
      const action = actions === null ? 0 : actions[row]!;
      const logStatus = statuses === null ? 0 : statuses[row]!;
      let slot = SLOT_FOR_NULL;
      if (protocolValid !== null && protocolValid[row] !== 0) {
        const protocol = protocols![row]! & 0xff;
        slot = slotOf[protocol]!;
        if (slot < 0) slot = this.slots.slot(protocol);
      }
      const kinds = kindsIndex(directions === null ? 0 : directions[row]!, srcKinds[row]!, dstKinds[row]!);
      const direction = DIRECTION_BY_KINDS[kinds]!;
      let trafficClass = CLASS_BY_KINDS[kinds]!;
      if ((srcService !== null && srcService[row] !== 0) || (dstService !== null && dstService[row] !== 0)) {
        trafficClass = CLASS_AWS_SERVICE;
      } else if (trafficClass === CLASS_INTERNAL && azIds !== null && azIds[row] !== 0) {
        const id = azIds[row]!;
        const localAz = (azText[id] ??= batch.text(id));
        const remoteAz = classifier.azOf(direction === DIRECTION_INGRESS ? src! : dst!, row * 4);
        if (remoteAz !== null && remoteAz !== localAz) trafficClass = CLASS_CROSS_AZ;
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
        const entry = cache.entry(s, time);
        const windowStart = cache.starts[entry]!;
        const windowEnd = windowStart + size;
        if (windowEnd <= lateThrough || (windowEnd <= closedThrough[s]! && !catchingUp)) {
          outcome.late[s]!++;
          continue;
        }
        let window = cache.windows[entry] ?? null;
        if (window === null) {
          window = store.window(s, windowStart);
          if (window === null) {
            windowCap++;
            continue;
          }
          cache.windows[entry] = window;
          // The heavy-hitter passes address the batch's smallest windows by index.
          if (s === 0) cache.indexes[entry] = indexIn(windows, window);
        }
        if (s === 0) rowWindow[row] = cache.indexes[entry]!;
        if (windowEnd > lastWindowEnd) lastWindowEnd = windowEnd;
        const cells = window.cells;
        cells[cell]! += 1;
        let shares = windowEnd <= closedThrough[s]! ? SHARE_CATCH_UP : 0;
        if (!prorating || start >= time) {
          cells[cell + 1]! += packets;
          cells[cell + 2]! += bytes;
        } else {
          shares |= this.#spread(s, cell, packets, bytes, start, time, lateThrough, catchingUp, outcome);
        }
        // Part of the record fell in windows already closed: it is late there.
        if ((shares & SHARE_LATE) !== 0) outcome.late[s]!++;
        if ((shares & SHARE_CATCH_UP) !== 0) outcome.catchUp[s]!++;
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
    // Caught up: nothing it sends from now on can fall in a closed window above its own watermark.
    if (catchingUp && Math.max(partitionMax - behind, emitted) >= Math.max(...closedThrough)) this.#catchingUp.delete(partition);
    addHeavyHitters(batch, rows, outcome.interfaceBytes);
  }

  #sizeRows(rows: number): void {
    this.#srcKinds = new Uint8Array(rows);
    this.#dstKinds = new Uint8Array(rows);
    this.#rows = heavyHitterRows(rows);
  }

  /**
   * Prorate packets and bytes over size index `s`: every window [start, end) overlaps but the last
   * gets floor(value × overlap / duration), the last the remainder, so shares add up exactly.
   * Returns SHARE_LATE when some share fell in a window that is already closed (and was left out),
   * SHARE_CATCH_UP when some went into a catch-up window (a partition catching up).
   */
  #spread(s: number, cell: number, packets: number, bytes: number, start: number, end: number, lateThrough: number, catchingUp: boolean, outcome: BatchOutcome): number {
    const store = this.#store;
    const size = store.sizes[s]!;
    const closedThrough = store.closedThrough[s]!;
    const duration = end - start;
    const last = windowOf(end - 1, size);
    let shares = 0;
    let givenPackets = 0;
    let givenBytes = 0;
    for (let w = windowOf(start, size); w <= last; w += size) {
      const overlap = Math.min(end, w + size) - Math.max(start, w);
      const packetShare = w < last ? Math.floor((packets * overlap) / duration) : packets - givenPackets;
      const byteShare = w < last ? Math.floor((bytes * overlap) / duration) : bytes - givenBytes;
      givenPackets += packetShare;
      givenBytes += byteShare;
      if (w + size <= lateThrough || (w + size <= closedThrough && !catchingUp)) {
        shares |= SHARE_LATE;
        continue;
      }
      const window = store.window(s, w);
      if (window === null) {
        outcome.droppedWindowCap++;
        continue;
      }
      if (w + size <= closedThrough) shares |= SHARE_CATCH_UP;
      window.cells[cell + 1]! += packetShare;
      window.cells[cell + 2]! += byteShare;
    }
    return shares;
  }

  /** The processing-time totals gathered since the last call, by group; then starts over. */
  takeProcessing(): TotalsGroup[] {
    const groups = groupsOf(this.#processing, this.slots);
    this.#processing.fill(0);
    return groups;
  }
}

/** Index of a window in the batch's list, added when new (a batch touches a few windows). */
function indexIn(windows: OpenWindow[], window: OpenWindow): number {
  const index = windows.indexOf(window);
  return index >= 0 ? index : windows.push(window) - 1;
}
