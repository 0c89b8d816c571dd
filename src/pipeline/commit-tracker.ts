/**
 * The "safe to commit up to here" signal, per partition. Window state lives in memory, so a source
 * position may be committed only when every window its records went into has closed and been
 * emitted. Payloads are tracked in source order per partition; a payload is done when acked and
 * its latest window end is at or before the closed-through time; the safe position is the last
 * payload of the unbroken done prefix. On restart the source resumes there, and the replay
 * rebuilds the windows that were open (at-least-once, no loss).
 */
export interface TrackedPayload<P> {
  position: P;
  acked: boolean;
  /** Latest window end the payload's records went into (-Infinity: none). */
  lastWindowEnd: number;
}

export class CommitTracker<P> {
  readonly #queues = new Map<string, TrackedPayload<P>[]>();
  readonly #byId = new Map<number, TrackedPayload<P>>();

  /** A payload handed to the workers, in source order for its partition. */
  track(id: number, partition: string, position: P): void {
    const entry: TrackedPayload<P> = { position, acked: false, lastWindowEnd: -Infinity };
    let queue = this.#queues.get(partition);
    if (!queue) {
      queue = [];
      this.#queues.set(partition, queue);
    }
    queue.push(entry);
    this.#byId.set(id, entry);
  }

  /** The payload is processed; returns its position (undefined when its partition was dropped). */
  acked(id: number, lastWindowEnd: number): P | undefined {
    const entry = this.#byId.get(id);
    if (!entry) return undefined;
    this.#byId.delete(id);
    entry.acked = true;
    entry.lastWindowEnd = lastWindowEnd;
    return entry.position;
  }

  /**
   * Advance each partition past the payloads that are done, given that every window ending at or
   * before `closedThrough` has been emitted. Returns the new safe position of partitions that moved.
   */
  advance(closedThrough: number): Map<string, P> {
    const moved = new Map<string, P>();
    for (const [partition, queue] of this.#queues) {
      let done = 0;
      while (done < queue.length && queue[done]!.acked && queue[done]!.lastWindowEnd <= closedThrough) done++;
      if (done === 0) continue;
      moved.set(partition, queue[done - 1]!.position);
      queue.splice(0, done);
    }
    return moved;
  }

  /** Forget a partition (revoked, or rewound for replay): its pending payloads will come again. */
  drop(partition: string): void {
    const queue = this.#queues.get(partition);
    if (!queue) return;
    for (const [id, entry] of this.#byId) if (queue.includes(entry)) this.#byId.delete(id);
    this.#queues.delete(partition);
  }

  pending(partition: string): number {
    return this.#queues.get(partition)?.length ?? 0;
  }
}
