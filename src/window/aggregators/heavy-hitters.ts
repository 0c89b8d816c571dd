/**
 * Heavy hitters by weight with a mergeable Misra-Gries summary of `capacity` counters.
 *
 * Guarantee (Agarwal et al., "Mergeable summaries", 2012): every reported weight is a lower bound
 * of the key's true weight and falls short of it by at most `errorBound`, which never exceeds
 * total / (capacity + 1). So any key with more than total / (capacity + 1) of the window's weight
 * is present, and the top K are exact to within that bound. Summaries merge in any order (worker
 * partials, then 1-minute windows into longer ones) with the same guarantee over the union.
 *
 * Counters are kept lazily: the table holds up to 4 × capacity keys, then one reduction subtracts
 * (nearly) the (capacity + 1)-th largest weight from all and drops what falls to zero, leaving at
 * most 2 × capacity (threshold.ts), so a reduction costs O(table) once per 2 × capacity new keys.
 * A partial is reduced exactly, to at most `capacity` counters.
 *
 * IPv6 addresses are keyed by a 52-bit hash (any key of 2^32 or more). A summary made with
 * `addresses` > 0 keeps the words of such addresses per entry (`setAddress`), copied from the
 * batch, and only turns them into text for the entries still there when a partial is made.
 */
import { ipv4Text, ipv6Text } from '../../tokenizer/index.js';
import { KeyTable, STRIDE } from './key-table.js';
import { kthLargest, thresholdAtMost } from './threshold.js';

const TWO_32 = 4294967296;
const WORDS_PER_ADDRESS = 4;

export interface HeavyHitterEntry {
  key1: number;
  key2: number;
  weight: number;
  /** Text for keys that cannot be printed from the numbers alone (IPv6, interface ids). */
  label?: string;
}

/** The transferable form of a summary (worker partials, window output). */
export interface HeavyHitterPartial {
  capacity: number;
  total: number;
  errorBound: number;
  entries: HeavyHitterEntry[];
}

export class HeavyHitters {
  readonly capacity: number;
  total = 0;
  errorBound = 0;
  readonly #table: KeyTable;
  /** Addresses per key whose words are kept (0, 1 or 2: key1 and key2). */
  readonly #addresses: number;
  #words: Uint32Array | null = null;
  #labels: (string | undefined)[] = [];
  #labelled = 0;
  #from: Int32Array | null = null;

  constructor(capacity: number, addresses = 0) {
    this.capacity = capacity;
    this.#table = new KeyTable(capacity * 4);
    this.#addresses = addresses;
  }

  /** Add `weight` to a key; returns its entry (valid until the next add). */
  add(key1: number, key2: number, weight: number, label?: string): number {
    if (weight <= 0) return -1;
    this.total += weight;
    // A single call site for the table (see KeyTable.add): reduce and try again when full.
    for (;;) {
      const entry = this.#table.add(key1, key2, weight);
      if (entry >= 0) {
        if (label !== undefined) this.setLabel(entry, label);
        return entry;
      }
      this.#reduce(this.#lazyThreshold());
    }
  }

  /**
   * Add items [0, count) of key and weight (> 0) columns; `rows[i]` is the batch row of item i, whose
   * address words are in `words1` (for key1) and `words2` (for key2) when those are IPv6 keys.
   */
  addMany(count: number, keys1: Float64Array, keys2: Float64Array, weights: Float64Array, rows: Int32Array, words1: Uint32Array | null, words2: Uint32Array | null): void {
    for (let i = 0; i < count; i++) {
      const key1 = keys1[i]!;
      const key2 = keys2[i]!;
      const entry = this.add(key1, key2, weights[i]!);
      if (words1 !== null && key1 >= TWO_32) this.setAddress(entry, 0, words1, rows[i]! * WORDS_PER_ADDRESS);
      if (words2 !== null && key2 >= TWO_32) this.setAddress(entry, 1, words2, rows[i]! * WORDS_PER_ADDRESS);
    }
  }

  /** Whether an entry has no label yet (callers make labels only for entries that need one). */
  unlabelled(entry: number): boolean {
    return this.#labels[entry] === undefined;
  }

  setLabel(entry: number, label: string): void {
    if (this.#labels[entry] !== undefined) return;
    this.#labels[entry] = label;
    this.#labelled++;
  }

  /** Keep the IPv6 words of address `index` (0: key1, 1: key2) of an entry: words[at..at+4). */
  setAddress(entry: number, index: number, words: Uint32Array, at: number): void {
    const size = this.#table.limit * this.#addresses * WORDS_PER_ADDRESS;
    const kept = (this.#words ??= new Uint32Array(size));
    const to = (entry * this.#addresses + index) * WORDS_PER_ADDRESS;
    kept[to] = words[at]!;
    kept[to + 1] = words[at + 1]!;
    kept[to + 2] = words[at + 2]!;
    kept[to + 3] = words[at + 3]!;
  }

  /** The lazy reduction's threshold: at most 2 × capacity counters stay (threshold.ts). */
  #lazyThreshold(): number {
    const size = this.#weights();
    return thresholdAtMost(scratch, scratchWords, size, this.capacity + 1, 2 * this.capacity);
  }

  /** The exact threshold: at most capacity counters stay. */
  #exactThreshold(): number {
    const size = this.#weights();
    return kthLargest(scratch, size, this.capacity + 1);
  }

  /** Copy the weights into the scratch array (which it may replace: read `scratch` after); returns how many. */
  #weights(): number {
    const table = this.#table;
    if (scratch.length < table.size) {
      scratch = new Float64Array(table.limit);
      scratchWords = new Uint32Array(scratch.buffer);
    }
    table.weightsInto(scratch);
    return table.size;
  }

  /** Subtract `threshold` from every counter and drop those at zero (a Misra-Gries reduction). */
  #reduce(threshold: number): void {
    const table = this.#table;
    this.errorBound += threshold;
    const from = (this.#from ??= new Int32Array(table.limit));
    table.decrement(threshold, from);
    // Entries only move down (to <= from), so the side data moves in place, in order.
    const words = this.#words;
    const width = this.#addresses * WORDS_PER_ADDRESS;
    if (words !== null) {
      for (let to = 0; to < table.size; to++) {
        for (let w = 0; w < width; w++) words[to * width + w] = words[from[to]! * width + w]!;
      }
    }
    if (this.#labelled > 0) {
      const labels = this.#labels;
      const kept: (string | undefined)[] = [];
      let labelled = 0;
      for (let to = 0; to < table.size; to++) {
        const label = labels[from[to]!];
        if (label === undefined) continue;
        kept[to] = label;
        labelled++;
      }
      this.#labels = kept;
      this.#labelled = labelled;
    }
  }

  merge(partial: HeavyHitterPartial): void {
    this.total += partial.total;
    this.errorBound += partial.errorBound;
    for (const entry of partial.entries) {
      // Adding through add() would count the weight into total twice.
      this.total -= entry.weight;
      this.add(entry.key1, entry.key2, entry.weight, entry.label);
    }
  }

  toPartial(): HeavyHitterPartial {
    if (this.#table.size > this.capacity) this.#reduce(this.#exactThreshold());
    const table = this.#table;
    const entries: HeavyHitterEntry[] = [];
    for (let i = 0; i < table.size; i++) {
      const entry: HeavyHitterEntry = { key1: table.data[i * STRIDE]!, key2: table.data[i * STRIDE + 1]!, weight: table.data[i * STRIDE + 2]! };
      const label = this.#labels[i] ?? this.#addressLabel(i, entry);
      if (label !== undefined) entry.label = label;
      entries.push(entry);
    }
    return { capacity: this.capacity, total: this.total, errorBound: this.errorBound, entries };
  }

  /** "address" or "address address" for an entry with an IPv6 key whose words were kept. */
  #addressLabel(i: number, entry: HeavyHitterEntry): string | undefined {
    const words = this.#words;
    if (words === null) return undefined;
    const keys = this.#addresses === 2 ? [entry.key1, entry.key2] : [entry.key1];
    if (keys.every((key) => key < TWO_32)) return undefined;
    return keys.map((key, index) => (key < TWO_32 ? ipv4Text(key) : ipv6Text(words, (i * this.#addresses + index) * WORDS_PER_ADDRESS))).join(' ');
  }
}

/** Weights to select from (shared: one summary reduces at a time), and the same memory as words. */
let scratch = new Float64Array(0);
let scratchWords = new Uint32Array(0);

/** The k heaviest entries of a partial, heaviest first (ties by key, for stable output). */
export function topEntries(partial: HeavyHitterPartial, k: number): HeavyHitterEntry[] {
  return [...partial.entries].sort((a, b) => b.weight - a.weight || a.key1 - b.key1 || a.key2 - b.key2).slice(0, k);
}
