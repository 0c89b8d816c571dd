/**
 * An open-addressing hash table keyed by a pair of numbers (exact integers up to 2^53), summing a
 * weight per key. Entries are dense (appended) and interleaved as [key1, key2, weight] in one
 * Float64Array, so a probe that finds its key touches one cache line, and scanning or compacting
 * them is a plain loop; the slot index is rebuilt after a compaction. The table starts small and
 * doubles up to `limit` entries, so summaries that see few keys stay small.
 */
const EMPTY = -1;
const TWO_32 = 4294967296;
const INITIAL_ENTRIES = 64;
/** Float64 slots per entry: key1, key2, weight. */
export const STRIDE = 3;

/** Slot hash of a key pair: the low and high 32 bits of both keys, mixed (murmur3 finalizer). */
function hashOf(key1: number, key2: number): number {
  // Keys below 2^32 (IPv4 addresses, ports) skip the division for their high word.
  const high1 = key1 >= TWO_32 ? (key1 / TWO_32) | 0 : 0;
  const high2 = key2 >= TWO_32 ? (key2 / TWO_32) | 0 : 0;
  let h = Math.imul((key1 >>> 0) ^ high2, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ (key2 >>> 0), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ high1, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class KeyTable {
  /** At most this many entries. */
  readonly limit: number;
  /** Entry e is data[e * STRIDE ..]: key1, key2, weight. */
  data: Float64Array;
  size = 0;
  #slots: Int32Array;
  #mask: number;

  constructor(limit: number) {
    this.limit = limit;
    const entries = Math.min(limit, INITIAL_ENTRIES);
    this.data = new Float64Array(entries * STRIDE);
    this.#slots = new Int32Array(slotsFor(entries)).fill(EMPTY);
    this.#mask = this.#slots.length - 1;
  }

  /** Add `weight` to a key. Returns its entry, or -1 when the key is new and the table is at its limit. */
  add(key1: number, key2: number, weight: number): number {
    // One call site per key use (growing loops back instead of calling again): a second, rare
    // call would box keys above 2^31 on the common path.
    for (;;) {
      const slots = this.#slots;
      const mask = this.#mask;
      const data = this.data;
      let slot = hashOf(key1, key2) & mask;
      for (let entry = slots[slot]!; entry !== EMPTY; entry = slots[slot]!) {
        const at = entry * STRIDE;
        if (data[at] === key1 && data[at + 1] === key2) {
          data[at + 2]! += weight;
          return entry;
        }
        slot = (slot + 1) & mask;
      }
      const entry = this.size;
      if (entry * STRIDE < data.length) {
        this.size = entry + 1;
        slots[slot] = entry;
        const at = entry * STRIDE;
        data[at] = key1;
        data[at + 1] = key2;
        data[at + 2] = weight;
        return entry;
      }
      if (entry === this.limit) return -1;
      this.#grow();
    }
  }

  /** Copy the weights of all entries into `into` (for selection). */
  weightsInto(into: Float64Array): void {
    const data = this.data;
    for (let entry = 0; entry < this.size; entry++) into[entry] = data[entry * STRIDE + 2]!;
  }

  /**
   * Subtract `amount` from every weight and drop the entries left at zero or below, keeping the
   * order of the rest. `from[to]` is set to the old entry of each kept one (to <= from).
   */
  decrement(amount: number, from: Int32Array): void {
    const data = this.data;
    let to = 0;
    for (let entry = 0; entry < this.size; entry++) {
      const at = entry * STRIDE;
      const weight = data[at + 2]! - amount;
      if (weight <= 0) continue;
      const into = to * STRIDE;
      data[into] = data[at]!;
      data[into + 1] = data[at + 1]!;
      data[into + 2] = weight;
      from[to] = entry;
      to++;
    }
    this.size = to;
    this.#reindex();
  }

  #grow(): void {
    const entries = Math.min(this.limit, (this.data.length / STRIDE) * 2);
    const data = new Float64Array(entries * STRIDE);
    data.set(this.data);
    this.data = data;
    this.#slots = new Int32Array(slotsFor(entries));
    this.#mask = this.#slots.length - 1;
    this.#reindex();
  }

  #reindex(): void {
    const slots = this.#slots;
    const mask = this.#mask;
    const data = this.data;
    slots.fill(EMPTY);
    for (let entry = 0; entry < this.size; entry++) {
      let slot = hashOf(data[entry * STRIDE]!, data[entry * STRIDE + 1]!) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
  }
}

/** Slots for `entries` keys: a power of two at least twice as many, so probes stay short. */
function slotsFor(entries: number): number {
  let slots = 16;
  while (slots < entries * 2) slots *= 2;
  return slots;
}
