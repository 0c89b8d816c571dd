/**
 * Per window size, the last two windows records of a batch fell in. Flow logs arrive slightly out
 * of order, so around a window boundary records alternate between two windows: two entries make
 * most lookups a range check, without a modulo or a map lookup. Cleared per batch (windows may
 * close between batches).
 */
import { windowStart } from './time.js';
import type { OpenWindow } from './window-store.js';

const NONE = -1;

export class WindowCache {
  /** Entry e = size index × 2 + 0 (most recent) or 1: its window start, window (once looked up) and index in the batch's list. */
  readonly starts: Float64Array;
  readonly windows: (OpenWindow | null)[];
  readonly indexes: Int32Array;
  readonly #sizes: readonly number[];

  constructor(sizes: readonly number[]) {
    this.#sizes = sizes;
    this.starts = new Float64Array(sizes.length * 2);
    this.windows = new Array<OpenWindow | null>(sizes.length * 2).fill(null);
    this.indexes = new Int32Array(sizes.length * 2);
  }

  clear(): void {
    this.starts.fill(NaN);
    this.windows.fill(null);
    this.indexes.fill(NONE);
  }

  /** The entry of the window of size index `s` holding `time`: the most recent one, made so if needed. */
  entry(s: number, time: number): number {
    const recent = s * 2;
    const size = this.#sizes[s]!;
    const start = this.starts[recent]!;
    if (time >= start && time < start + size) return recent;
    const other = this.starts[recent + 1]!;
    const window = this.windows[recent] ?? null;
    const index = this.indexes[recent]!;
    if (time >= other && time < other + size) {
      this.starts[recent] = other;
      this.windows[recent] = this.windows[recent + 1] ?? null;
      this.indexes[recent] = this.indexes[recent + 1]!;
    } else {
      this.starts[recent] = windowStart(time, size);
      this.windows[recent] = null;
      this.indexes[recent] = NONE;
    }
    this.starts[recent + 1] = start;
    this.windows[recent + 1] = window;
    this.indexes[recent + 1] = index;
    return recent;
  }
}
