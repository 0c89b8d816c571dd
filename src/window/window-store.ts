/**
 * The open windows of one worker: per window size, a map from window start to its partial state
 * (dense totals and heavy-hitter summaries). Windows are closed only when main says so (a barrier
 * over all workers), which returns their partials for main to merge.
 *
 * A window asked for after it closed is re-opened as a catch-up window, kept apart from the open
 * ones (only records of a partition taken over while running get there: see accumulate.ts). Every
 * close returns the catch-up windows there are, flagged, whatever it closes: they all end at or
 * before any later close's boundary. Both kinds count against the same cap of open windows.
 */
import { CELLS, groupsOf, type ProtocolSlots, type TotalsGroup } from './aggregators/groups.js';
import { HeavyHitters, type HeavyHitterPartial } from './aggregators/heavy-hitters.js';

export const HEAVY_HITTER_KINDS = ['talkers', 'destinations', 'rejected_ports', 'rejected_sources', 'interfaces'] as const;
export type HeavyHitterKind = (typeof HEAVY_HITTER_KINDS)[number];

export class OpenWindow {
  readonly cells = new Float64Array(CELLS * 3);
  readonly heavyHitters: Record<HeavyHitterKind, HeavyHitters>;

  constructor(
    readonly sizeSeconds: number,
    readonly start: number,
    capacity: number,
  ) {
    this.heavyHitters = {
      // Address keys keep IPv6 words for labels: talkers two (source, destination), the others one.
      talkers: new HeavyHitters(capacity, 2),
      destinations: new HeavyHitters(capacity, 1),
      rejected_ports: new HeavyHitters(capacity),
      rejected_sources: new HeavyHitters(capacity, 1),
      interfaces: new HeavyHitters(capacity),
    };
  }
}

/** A closed window's state from one worker, as plain data (posted to main). */
export interface WindowPartial {
  sizeSeconds: number;
  start: number;
  end: number;
  totals: TotalsGroup[];
  heavyHitters: Record<HeavyHitterKind, HeavyHitterPartial>;
  /** A catch-up window: more of a window this worker had already closed (main emits it as partial). */
  catchUp?: true;
}

export class WindowStore {
  readonly sizes: readonly number[];
  /** Per size: windows ending at or before this (Unix seconds) are closed; records for them are late. */
  readonly closedThrough: Float64Array;
  readonly #open: Map<number, OpenWindow>[];
  /** Per size: windows re-opened after they closed, by start; all returned by the next close. */
  readonly #catchUp: Map<number, OpenWindow>[];
  readonly #capacity: number;
  readonly #maxOpen: number;

  constructor(sizes: readonly number[], heavyHitterCapacity: number, maxOpenWindows: number, closedThrough = -Infinity) {
    this.sizes = sizes;
    this.closedThrough = new Float64Array(sizes.length).fill(closedThrough);
    this.#open = sizes.map(() => new Map());
    this.#catchUp = sizes.map(() => new Map());
    this.#capacity = heavyHitterCapacity;
    this.#maxOpen = maxOpenWindows;
  }

  /**
   * The window of size index `s` starting at `start`, made on first use: an open window, or a
   * catch-up window when that window has closed; null when too many are open.
   */
  window(s: number, start: number): OpenWindow | null {
    const windows = start + this.sizes[s]! <= this.closedThrough[s]! ? this.#catchUp[s]! : this.#open[s]!;
    let window = windows.get(start);
    if (!window) {
      if (this.openCount(s) >= this.#maxOpen) return null;
      window = new OpenWindow(this.sizes[s]!, start, this.#capacity);
      windows.set(start, window);
    }
    return window;
  }

  /** Windows of size index `s` in memory, catch-up ones included. */
  openCount(s: number): number {
    return this.#open[s]!.size + this.#catchUp[s]!.size;
  }

  /**
   * Heavy hitters reach the larger windows from the smallest ones, as those close (see
   * accumulate.ts): into the larger window's open state, or its catch-up window when it has closed
   * (a catch-up window of the smallest size never goes into a larger window already emitted).
   */
  #foldIntoLarger(start: number, heavyHitters: Record<HeavyHitterKind, HeavyHitterPartial>): void {
    for (let s = 1; s < this.sizes.length; s++) {
      const size = this.sizes[s]!;
      const window = this.window(s, start - (start % size));
      if (!window) continue;
      for (const kind of HEAVY_HITTER_KINDS) window.heavyHitters[kind].merge(heavyHitters[kind]);
    }
  }

  #partial(s: number, window: OpenWindow, slots: ProtocolSlots): WindowPartial {
    const heavyHitters = Object.fromEntries(HEAVY_HITTER_KINDS.map((kind) => [kind, window.heavyHitters[kind].toPartial()])) as Record<HeavyHitterKind, HeavyHitterPartial>;
    if (s === 0) this.#foldIntoLarger(window.start, heavyHitters);
    return { sizeSeconds: window.sizeSeconds, start: window.start, end: window.start + window.sizeSeconds, totals: groupsOf(window.cells, slots), heavyHitters };
  }

  /**
   * Close every window ending at or before `upTo` and return their partials, oldest first, after
   * every catch-up window's (smallest size first, so their heavy hitters reach the larger sizes'
   * windows before those are returned).
   */
  close(upTo: number, slots: ProtocolSlots): WindowPartial[] {
    const partials: WindowPartial[] = [];
    this.sizes.forEach((_, s) => {
      const catchUp = this.#catchUp[s]!;
      for (const [start, window] of [...catchUp].sort((a, b) => a[0] - b[0])) {
        catchUp.delete(start);
        partials.push({ ...this.#partial(s, window, slots), catchUp: true });
      }
    });
    this.sizes.forEach((size, s) => {
      const boundary = Number.isFinite(upTo) ? upTo - (((upTo % size) + size) % size) : upTo;
      if (boundary <= this.closedThrough[s]!) return;
      this.closedThrough[s] = boundary;
      const open = this.#open[s]!;
      for (const [start, window] of [...open].sort((a, b) => a[0] - b[0])) {
        if (start + size > boundary) continue;
        open.delete(start);
        partials.push(this.#partial(s, window, slots));
      }
    });
    return partials;
  }
}
