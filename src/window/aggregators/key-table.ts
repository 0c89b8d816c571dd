/**
 * An open-addressing hash table keyed by a pair of numbers (exact integers up to 2^53), summing a
 * weight per key. Entries are kept dense (appended), so iterating and compacting them is a loop
 * over typed arrays, and clearing costs a fill of the slot index only.
 */
const EMPTY = -1;

function mix(key1: number, key2: number): number {
  let h = Math.imul((key1 >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h ^= Math.imul(((key1 / 4294967296) | 0) ^ (h >>> 15), 0xc2b2ae35);
  h ^= Math.imul((key2 >>> 0) ^ (h >>> 13), 0x27d4eb2f);
  h ^= Math.imul(((key2 / 4294967296) | 0) ^ (h >>> 16), 0x165667b1);
  return (h ^ (h >>> 15)) >>> 0;
}

export class KeyTable {
  keys1: Float64Array;
  keys2: Float64Array;
  weights: Float64Array;
  /** Row of the batch where each key was first seen (to fetch a label while the batch is valid). */
  rows: Int32Array;
  size = 0;
  #slots: Int32Array;
  #mask: number;

  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.#slots = new Int32Array(slots).fill(EMPTY);
    this.#mask = slots - 1;
    this.keys1 = new Float64Array(capacity);
    this.keys2 = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
  }

  get capacity(): number {
    return this.keys1.length;
  }

  /** Add `weight` to a key. Returns its entry, or -1 when the key is new and the table is full. */
  add(key1: number, key2: number, weight: number, row: number): number {
    const slots = this.#slots;
    let slot = mix(key1, key2) & this.#mask;
    while (true) {
      const entry = slots[slot]!;
      if (entry === EMPTY) break;
      if (this.keys1[entry] === key1 && this.keys2[entry] === key2) {
        this.weights[entry]! += weight;
        return entry;
      }
      slot = (slot + 1) & this.#mask;
    }
    if (this.size === this.capacity) return -1;
    const entry = this.size++;
    slots[slot] = entry;
    this.keys1[entry] = key1;
    this.keys2[entry] = key2;
    this.weights[entry] = weight;
    this.rows[entry] = row;
    return entry;
  }

  /** The entry of a key, or -1. */
  find(key1: number, key2: number): number {
    let slot = mix(key1, key2) & this.#mask;
    while (true) {
      const entry = this.#slots[slot]!;
      if (entry === EMPTY) return -1;
      if (this.keys1[entry] === key1 && this.keys2[entry] === key2) return entry;
      slot = (slot + 1) & this.#mask;
    }
  }

  clear(): void {
    if (this.size === 0) return;
    this.#slots.fill(EMPTY);
    this.size = 0;
  }

  /**
   * Keep only the entries for which `keep(entry)` is true, in order, and rebuild the index.
   * `kept(from, to)` is told where each surviving entry went (to <= from).
   */
  compact(keep: (entry: number) => boolean, kept?: (from: number, to: number) => void): void {
    let to = 0;
    for (let from = 0; from < this.size; from++) {
      if (!keep(from)) continue;
      this.keys1[to] = this.keys1[from]!;
      this.keys2[to] = this.keys2[from]!;
      this.weights[to] = this.weights[from]!;
      this.rows[to] = this.rows[from]!;
      kept?.(from, to);
      to++;
    }
    this.size = to;
    this.#slots.fill(EMPTY);
    for (let entry = 0; entry < to; entry++) {
      let slot = mix(this.keys1[entry]!, this.keys2[entry]!) & this.#mask;
      while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = entry;
    }
  }
}
