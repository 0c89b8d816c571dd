/**
 * Event-time progress. Per partition: watermark = highest event time seen − the out-of-orderness
 * bound. Global watermark = the lowest over partitions that are neither idle (no data for
 * `idleSeconds` of wall-clock time) nor ended; when every partition is idle, the highest. It never
 * goes back. When the source has ended every partition, it is +Infinity: everything closes.
 */
export interface WatermarkOptions {
  outOfOrdernessSeconds: number;
  idleSeconds: number;
  now: () => number;
}

interface PartitionTime {
  maxEventTime: number;
  lastSeenMs: number;
  ended: boolean;
}

export class Watermarks {
  readonly #options: WatermarkOptions;
  readonly #partitions = new Map<string, PartitionTime>();
  #global = -Infinity;
  #sourceEnded = false;

  constructor(options: WatermarkOptions) {
    this.#options = options;
  }

  /**
   * A payload of the partition is on its way: until its first ack the partition holds the global
   * watermark back, so no window closes before the partition's records are in.
   */
  register(partition: string): void {
    const state = this.#partitions.get(partition);
    if (state) {
      state.ended = false;
      state.lastSeenMs = this.#options.now();
    } else {
      this.#partitions.set(partition, { maxEventTime: -Infinity, lastSeenMs: this.#options.now(), ended: false });
    }
  }

  /** Record a payload's highest event time (or -Infinity when it had none). */
  observe(partition: string, maxEventTime: number): void {
    const state = this.#partitions.get(partition);
    const now = this.#options.now();
    if (state) {
      if (maxEventTime > state.maxEventTime) state.maxEventTime = maxEventTime;
      state.lastSeenMs = now;
      state.ended = false;
    } else {
      this.#partitions.set(partition, { maxEventTime, lastSeenMs: now, ended: false });
    }
  }

  /** The partition has no more data (end of a file; a Kafka partition revoked). */
  end(partition: string): void {
    const state = this.#partitions.get(partition);
    if (state) state.ended = true;
  }

  /** The whole source has ended (--once): the watermark moves to the end of time. */
  endAll(): void {
    this.#sourceEnded = true;
  }

  forget(partition: string): void {
    this.#partitions.delete(partition);
  }

  /** The global watermark, in Unix seconds. */
  current(): number {
    if (this.#sourceEnded) return (this.#global = Infinity);
    const now = this.#options.now();
    let active = Infinity;
    let any = -Infinity;
    for (const state of this.#partitions.values()) {
      const mark = state.maxEventTime - this.#options.outOfOrdernessSeconds;
      if (mark > any) any = mark;
      const idle = now - state.lastSeenMs > this.#options.idleSeconds * 1000;
      if (!state.ended && !idle && mark < active) active = mark;
    }
    const candidate = active === Infinity ? any : active;
    if (candidate > this.#global) this.#global = candidate;
    return this.#global;
  }

  /** Per partition: its own watermark (for metrics). */
  partitions(): [partition: string, watermark: number][] {
    return [...this.#partitions].map(([partition, state]) => [partition, state.maxEventTime - this.#options.outOfOrdernessSeconds]);
  }
}
