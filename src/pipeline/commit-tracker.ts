/**
 * The "safe to commit up to here" signal, per partition. Window state lives in memory, so a source
 * position may be committed only when every window its records went into has closed and been
 * emitted. Payloads are tracked in source order per partition; a payload is done when acked and
 * its latest window end is at or before the closed-through time; the safe position is the last
 * payload of the unbroken done prefix. On restart the source resumes there, and the replay
 * rebuilds the windows that were open (at-least-once, no loss).
 *
 * Catch-up windows (a partition taken over while running, see window/accumulate.ts) end at or
 * before the closed-through time already, so a payload with records in them waits for a close
 * barrier begun once its ack was in (an earlier one may have closed before the worker took the
 * payload). The commit's mark tells a next owner that the partition's records after the commit in
 * windows up to the mark were emitted; those of a payload waiting for a barrier, or of a partition
 * still catching up, are not yet: such a partition is not committed at all until it has caught up
 * and its last catch-up windows are out (after a crash its next owner reads it again from the
 * commit before, with that commit's mark).
 */
export interface TrackedPayload<P> {
  position: P;
  acked: boolean;
  /** Latest window end the payload's records went into (-Infinity: none). */
  lastWindowEnd: number;
}

interface PartitionQueue<P> {
  payloads: TrackedPayload<P>[];
  /** The partition's latest ack said it is still catching up. */
  catchingUp: boolean;
  /** The close barrier that emits the catch-up windows of its payloads acked so far (0: none). */
  barrier: number;
}

export interface AckHold {
  /** The payload's catch-up windows are emitted by this close barrier or a later one. */
  barrier?: number;
  /** The partition is still catching up after this payload. */
  catchingUp?: boolean;
}

export class CommitTracker<P> {
  readonly #queues = new Map<string, PartitionQueue<P>>();
  readonly #byId = new Map<number, { entry: TrackedPayload<P>; queue: PartitionQueue<P> }>();

  /** A payload handed to the workers, in source order for its partition. */
  track(id: number, partition: string, position: P): void {
    const entry: TrackedPayload<P> = { position, acked: false, lastWindowEnd: -Infinity };
    let queue = this.#queues.get(partition);
    if (!queue) {
      queue = { payloads: [], catchingUp: false, barrier: 0 };
      this.#queues.set(partition, queue);
    }
    queue.payloads.push(entry);
    this.#byId.set(id, { entry, queue });
  }

  /** The payload is processed; returns its position (undefined when its partition was dropped). */
  acked(id: number, lastWindowEnd: number, hold: AckHold = {}): P | undefined {
    const tracked = this.#byId.get(id);
    if (!tracked) return undefined;
    this.#byId.delete(id);
    const { entry, queue } = tracked;
    entry.acked = true;
    entry.lastWindowEnd = lastWindowEnd;
    queue.barrier = Math.max(queue.barrier, hold.barrier ?? 0);
    // Acks of a partition come in its order (one worker): the latest says where it is.
    queue.catchingUp = hold.catchingUp ?? false;
    return entry.position;
  }

  /**
   * Advance each partition past the payloads that are done, given that close barrier `barrier`
   * has emitted every window ending at or before `closedThrough` (and every catch-up window).
   * Returns the new safe position of partitions that moved.
   */
  advance(closedThrough: number, barrier = Infinity): Map<string, P> {
    const moved = new Map<string, P>();
    for (const [partition, queue] of this.#queues) {
      if (queue.catchingUp || queue.barrier > barrier) continue;
      const payloads = queue.payloads;
      let done = 0;
      while (done < payloads.length && payloads[done]!.acked && payloads[done]!.lastWindowEnd <= closedThrough) done++;
      if (done === 0) continue;
      moved.set(partition, payloads[done - 1]!.position);
      payloads.splice(0, done);
    }
    return moved;
  }

  /** Forget a partition (revoked, or rewound for replay): its pending payloads will come again. */
  drop(partition: string): void {
    const queue = this.#queues.get(partition);
    if (!queue) return;
    for (const [id, tracked] of this.#byId) if (tracked.queue === queue) this.#byId.delete(id);
    this.#queues.delete(partition);
  }

  pending(partition: string): number {
    return this.#queues.get(partition)?.payloads.length ?? 0;
  }
}
