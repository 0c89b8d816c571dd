/**
 * Heavy hitters of one batch. The accumulate loop notes, per row, the smallest window the record
 * counted in; then, per window and summary, a small loop gathers the rows' keys and weights into
 * staging arrays and the summary takes them in one call (HeavyHitters.addMany). Its table stays
 * hot while it does, and the hash-table code exists once, not inlined into every loop.
 * Only the smallest windows take records: larger ones fold in the smallest windows' summaries as
 * those close (window-store.ts), which is mergeable and far cheaper.
 *
 * Keys: an IPv4 address is its 32-bit value; an IPv6 one a 52-bit hash at or above 2^32 (the
 * summary keeps its words for the label); an interface id a 52-bit hash of its text.
 */
import type { RecordBatch } from '../tokenizer/index.js';
import type { OpenWindow } from './window-store.js';

/** Row marks: not a good record; good but in no open smallest window (late, window cap). */
export const NOT_GOOD = -2;
export const NO_WINDOW = -1;

const TWO_32 = 4294967296;
const FAMILY_V4 = 4;
const ACTION_REJECT = 2;

export interface HeavyHitterRows {
  /** Per row: an index into `windows`, NO_WINDOW or NOT_GOOD. */
  readonly window: Int32Array;
  readonly windows: OpenWindow[];
  /** Per row: the source and destination address keys, -1 without an address. */
  readonly srcKeys: Float64Array;
  readonly dstKeys: Float64Array;
  /** The rows of each window in turn (a counting sort), and where each window's run starts (one more than windows). */
  readonly order: Int32Array;
  runs: Int32Array;
  /** Staging for one summary: keys, weights and the row of each gathered record; zeros as a key2 column. */
  readonly keys1: Float64Array;
  readonly keys2: Float64Array;
  readonly weights: Float64Array;
  readonly rows: Int32Array;
  readonly zeros: Float64Array;
}

export function heavyHitterRows(maxRows: number): HeavyHitterRows {
  const doubles = (): Float64Array => new Float64Array(maxRows);
  const ints = (): Int32Array => new Int32Array(maxRows);
  return { window: ints(), windows: [], srcKeys: doubles(), dstKeys: doubles(), order: ints(), runs: new Int32Array(8), keys1: doubles(), keys2: doubles(), weights: doubles(), rows: ints(), zeros: doubles() };
}

/** Bytes per interface id of one batch (ids are dictionary ids of the batch); zero between uses. */
let interfaceSums = new Float64Array(0);
/** Summary key per interface id of one batch, valid where the batch's text of the id is known. */
let interfaceKeys = new Float64Array(0);

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
function textKey(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ text.charCodeAt(i), 0x85ebca6b);
  }
  return (h1 >>> 0) + (h2 & 0xfffff) * TWO_32;
}

/** Add the batch's rows to the summaries of the windows they counted in; bytes per interface id into `bytesById`. */
export function addHeavyHitters(batch: RecordBatch, rows: HeavyHitterRows, bytesById: Map<string, number>): void {
  const n = batch.length;
  const windows = rows.windows;
  const src = batch.has('srcaddr') ? batch.words('srcaddr') : null;
  const dst = batch.has('dstaddr') ? batch.words('dstaddr') : null;
  const byteWords = batch.has('bytes') ? batch.words('bytes') : null;
  const byteValid = byteWords ? batch.validity('bytes') : null;
  const actions = batch.has('action') ? (batch.column('action') as Uint8Array) : null;
  const ports = actions && batch.has('dstport') ? (batch.column('dstport') as Uint32Array) : null;
  const portValid = ports ? batch.validity('dstport') : null;
  const protocols = ports && batch.has('protocol') ? (batch.column('protocol') as Uint32Array) : null;
  if (src) addressKeys(n, src, batch.validity('srcaddr'), rows.srcKeys);
  if (dst) addressKeys(n, dst, batch.validity('dstaddr'), rows.dstKeys);
  const { keys1, keys2, weights, zeros } = rows;
  sortByWindow(n, rows);
  for (let w = 0; w < windows.length; w++) {
    const summaries = windows[w]!.heavyHitters;
    const from = rows.runs[w]!;
    const to = rows.runs[w + 1]!;
    if (src && dst && byteWords) {
      // Talkers and destinations by bytes, over the records with both addresses.
      const count = gatherBytes(from, to, rows, byteWords, byteValid!);
      summaries.talkers.addMany(count, keys1, keys2, weights, rows.rows, src, dst);
      summaries.destinations.addMany(count, keys2, zeros, weights, rows.rows, dst, null);
    }
    if (ports) {
      const count = gatherRejectedPorts(from, to, rows, actions!, protocols, ports, portValid!);
      summaries.rejected_ports.addMany(count, keys1, keys2, weights, rows.rows, null, null);
    }
    if (actions && src) {
      const count = gatherRejectedSources(from, to, rows, actions);
      summaries.rejected_sources.addMany(count, keys1, zeros, weights, rows.rows, src, null);
    }
  }
  if (byteWords && batch.has('interface-id')) addInterfaces(batch, rows, batch.column('interface-id') as Uint32Array, byteWords, byteValid!, bytesById);
}

/** Address keys of a column. Each branch stores its own value: a merged value would be boxed above 2^31. */
function addressKeys(n: number, words: Uint32Array, family: Uint8Array, keys: Float64Array): void {
  for (let row = 0; row < n; row++) {
    const fam = family[row]!;
    if (fam === FAMILY_V4) keys[row] = words[row * 4 + 3]!;
    else if (fam === 0) keys[row] = -1;
    else keys[row] = ipv6Key(words, row * 4);
  }
}

/** Order the rows counted in a window by window (stable), into `order`, each window's run starting at `runs[w]`. */
function sortByWindow(n: number, staging: HeavyHitterRows): void {
  const which = staging.window;
  const order = staging.order;
  const windows = staging.windows.length;
  if (staging.runs.length < windows + 1) staging.runs = new Int32Array((windows + 1) * 2);
  const runs = staging.runs.fill(0, 0, windows + 1);
  for (let row = 0; row < n; row++) if (which[row]! >= 0) runs[which[row]! + 1]!++;
  for (let w = 1; w <= windows; w++) runs[w]! += runs[w - 1]!;
  // Place each row at its window's next free slot; runs[w] moves up to the start of window w + 1, then is restored.
  for (let row = 0; row < n; row++) if (which[row]! >= 0) order[runs[which[row]!]!++] = row;
  for (let w = windows; w > 0; w--) runs[w] = runs[w - 1]!;
  runs[0] = 0;
}

/** Rows order[from, to) with both addresses and bytes: (source, destination, bytes). */
function gatherBytes(from: number, to: number, staging: HeavyHitterRows, byteWords: Uint32Array, byteValid: Uint8Array): number {
  const { order, srcKeys, dstKeys, keys1, keys2, weights, rows } = staging;
  let count = 0;
  for (let i = from; i < to; i++) {
    const row = order[i]!;
    if (srcKeys[row]! < 0 || dstKeys[row]! < 0 || byteValid[row] === 0) continue;
    const bytes = byteWords[row * 2]! + byteWords[row * 2 + 1]! * TWO_32;
    if (bytes === 0) continue;
    keys1[count] = srcKeys[row]!;
    keys2[count] = dstKeys[row]!;
    weights[count] = bytes;
    rows[count++] = row;
  }
  return count;
}

/** Rejected records among order[from, to) by (protocol, port), one each; -1 for the protocol when the format has none. */
function gatherRejectedPorts(from: number, to: number, staging: HeavyHitterRows, actions: Uint8Array, protocols: Uint32Array | null, ports: Uint32Array, portValid: Uint8Array): number {
  const { order, keys1, keys2, weights, rows } = staging;
  let count = 0;
  for (let i = from; i < to; i++) {
    const row = order[i]!;
    if (actions[row] !== ACTION_REJECT || portValid[row] === 0) continue;
    keys1[count] = protocols === null ? -1 : protocols[row]!;
    keys2[count] = ports[row]!;
    weights[count] = 1;
    rows[count++] = row;
  }
  return count;
}

/** Rejected records among order[from, to) by source, one each. */
function gatherRejectedSources(from: number, to: number, staging: HeavyHitterRows, actions: Uint8Array): number {
  const { order, srcKeys, keys1, weights, rows } = staging;
  let count = 0;
  for (let i = from; i < to; i++) {
    const row = order[i]!;
    if (actions[row] !== ACTION_REJECT || srcKeys[row]! < 0) continue;
    keys1[count] = srcKeys[row]!;
    weights[count] = 1;
    rows[count++] = row;
  }
  return count;
}

/**
 * Interfaces by bytes. Ids are dense per batch, so bytes are summed per id in an array, and only
 * the sums reach the summaries: per window over its run of rows, and over every good record (late
 * ones too) for the bytes per interface id of the payload.
 */
function addInterfaces(batch: RecordBatch, staging: HeavyHitterRows, ids: Uint32Array, byteWords: Uint32Array, byteValid: Uint8Array, bytesById: Map<string, number>): void {
  const size = batch.dictionarySize + 1;
  if (interfaceSums.length < size) interfaceSums = new Float64Array(size * 2);
  const sums = interfaceSums;
  // Each id's text and key, made once per batch: decoding the text is most of the cost here.
  const texts: (string | undefined)[] = [];
  const keys = interfaceKeys.length < size ? (interfaceKeys = new Float64Array(size * 2)) : interfaceKeys;
  const { order, runs, windows } = staging;
  for (let w = 0; w < windows.length; w++) {
    sumRun(order, runs[w]!, runs[w + 1]!, ids, byteWords, byteValid, sums);
    const interfaces = windows[w]!.heavyHitters.interfaces;
    for (let id = 1; id < size; id++) {
      const bytes = sums[id]!;
      if (bytes === 0) continue;
      sums[id] = 0;
      let text = texts[id];
      if (text === undefined) keys[id] = textKey((text = texts[id] = batch.text(id)));
      const entry = interfaces.add(keys[id]!, 0, bytes);
      if (interfaces.unlabelled(entry)) interfaces.setLabel(entry, text);
    }
  }
  sumGood(batch.length, staging.window, ids, byteWords, byteValid, sums);
  for (let id = 1; id < size; id++) {
    const bytes = sums[id]!;
    if (bytes === 0) continue;
    sums[id] = 0;
    const text = (texts[id] ??= batch.text(id));
    bytesById.set(text, (bytesById.get(text) ?? 0) + bytes);
  }
}

/** Bytes per interface id of rows order[from, to) into `sums`. */
function sumRun(order: Int32Array, from: number, to: number, ids: Uint32Array, byteWords: Uint32Array, byteValid: Uint8Array, sums: Float64Array): void {
  for (let i = from; i < to; i++) {
    const row = order[i]!;
    if (ids[row] === 0 || byteValid[row] === 0) continue;
    sums[ids[row]!]! += byteWords[row * 2]! + byteWords[row * 2 + 1]! * TWO_32;
  }
}

/** Bytes per interface id of every good row into `sums`. */
function sumGood(n: number, which: Int32Array, ids: Uint32Array, byteWords: Uint32Array, byteValid: Uint8Array, sums: Float64Array): void {
  for (let row = 0; row < n; row++) {
    if (which[row] === NOT_GOOD || ids[row] === 0 || byteValid[row] === 0) continue;
    sums[ids[row]!]! += byteWords[row * 2]! + byteWords[row * 2 + 1]! * TWO_32;
  }
}
