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
 * the (capacity + 1)-th largest weight (found by selection, not sorting) from all and drops what
 * falls to zero, so a reduction costs O(table) once per 3 × capacity new keys.
 */
import { KeyTable } from './key-table.js';

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
  #labels: (string | undefined)[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#table = new KeyTable(capacity * 4);
  }

  add(key1: number, key2: number, weight: number, label?: string): void {
    if (weight <= 0) return;
    this.total += weight;
    let entry = this.#table.add(key1, key2, weight, 0);
    if (entry < 0) {
      this.#reduce();
      entry = this.#table.add(key1, key2, weight, 0);
    }
    if (label !== undefined && this.#labels[entry] === undefined) this.#labels[entry] = label;
  }

  /** Whether a key is tracked (callers skip computing labels for keys that are). */
  has(key1: number, key2: number): boolean {
    return this.#table.find(key1, key2) >= 0;
  }

  #reduce(): void {
    const table = this.#table;
    if (table.size <= this.capacity) return;
    const threshold = kthLargest(table.weights, table.size, this.capacity + 1);
    this.errorBound += threshold;
    for (let i = 0; i < table.size; i++) table.weights[i]! -= threshold;
    const labels = this.#labels;
    const kept: (string | undefined)[] = [];
    table.compact(
      (entry) => table.weights[entry]! > 0,
      (from, to) => {
        kept[to] = labels[from];
      },
    );
    this.#labels = kept;
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
    this.#reduce();
    const table = this.#table;
    const entries: HeavyHitterEntry[] = [];
    for (let i = 0; i < table.size; i++) {
      const entry: HeavyHitterEntry = { key1: table.keys1[i]!, key2: table.keys2[i]!, weight: table.weights[i]! };
      const label = this.#labels[i];
      if (label !== undefined) entry.label = label;
      entries.push(entry);
    }
    return { capacity: this.capacity, total: this.total, errorBound: this.errorBound, entries };
  }
}

let scratch = new Float64Array(0);

/** The k-th largest of values[0..n) (k >= 1), by quickselect on a scratch copy. */
export function kthLargest(values: Float64Array, n: number, k: number): number {
  if (scratch.length < n) scratch = new Float64Array(n * 2);
  const a = scratch;
  a.set(values.subarray(0, n));
  // The k-th largest is the (n - k)-th smallest (0-based).
  const target = n - k;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

/** The k heaviest entries of a partial, heaviest first (ties by key, for stable output). */
export function topEntries(partial: HeavyHitterPartial, k: number): HeavyHitterEntry[] {
  return [...partial.entries].sort((a, b) => b.weight - a.weight || a.key1 - b.key1 || a.key2 - b.key2).slice(0, k);
}
