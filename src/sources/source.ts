/**
 * The source interface. A source reads payloads (bytes, never parsed) and hands them to the
 * pipeline with their partition and position; it commits positions the pipeline declares safe.
 */

export interface SourcePayload {
  /** Ordering and routing unit: a file slice, a Kafka partition, a Kinesis shard. */
  partition: string;
  /** Where this payload ends in its partition; committed once everything before it is emitted. */
  position: string;
  /** Self-contained bytes: whole lines, a whole JSON document, or a compressed one. */
  payload: Uint8Array;
  /** The record format of this payload when it is not the configured one (per-topic formats). */
  format?: string;
  /**
   * The payload is a buffer of its own that nothing else will touch: the pipeline transfers it to a
   * worker instead of copying it. Views into shared buffers (client libraries' fetch buffers) are copied.
   */
  owned?: boolean;
}

export interface SourceSink {
  /** Hand over a payload. Resolves when the pipeline has room for more (backpressure). */
  push(payload: SourcePayload): Promise<void>;
  /** A buffer for a payload the source fills and then pushes as `owned` (the pipeline reuses them). */
  allocate(size: number): Uint8Array;
  /**
   * An input (a file, standard input) could not be read to its end: what was pushed before counts,
   * the source goes on with its next input, and the run ends with an error status.
   */
  inputFailed(input: string, error: Error): void;
  /** No more payloads will come for this partition. */
  endPartition(partition: string): void;
  /**
   * These partitions are now being read (a Kafka assignment): each holds the watermark back until
   * its first payload arrives or it goes idle, so a fast partition cannot close windows that a
   * slower one still has records for.
   */
  announce(partitions: readonly string[]): void;
  /**
   * Emitted-windows marks of partitions taken over while running (a rebalance moved them here
   * from another replica, whose commits they are read again from): windows ending at or before a
   * partition's mark were emitted with its records, so its replayed records are late there. Called
   * after announce() and before the partition's first payload; a partition's mark only ever rises.
   */
  restore(marks: ReadonlyMap<string, number>): void;
}

export interface SourceProgress {
  bytes: number;
  totalBytes: number | null;
}

/** What a source restored from its committed positions. */
export interface SourceRestore {
  /** Windows ending at or before this were emitted before the restart (stored with the positions). */
  closedThrough: number;
  /**
   * The same mark per partition, where partitions carry their own (Kafka: replicas of a group
   * commit their partitions with their own marks). Replayed records of a partition are late for
   * windows up to its mark; `closedThrough` is then the lowest mark.
   */
  partitions?: ReadonlyMap<string, number>;
}

/** Gauges a source reports into (set by the pipeline). */
export interface SourceGauges {
  lag(partition: string, messages: number): void;
  behind(partition: string, seconds: number): void;
  committed(ok: boolean): void;
}

export interface Source {
  readonly name: string;
  /** Connect and read committed positions before the workers start (sources that commit). */
  prepare?(gauges: SourceGauges): Promise<SourceRestore>;
  /** Read until the input ends (finite sources) or stop() is called. */
  run(sink: SourceSink): Promise<void>;
  stop(): void;
  /** Connected and reading (for /readyz). */
  readonly ready: boolean;
  /** Commit positions that are safe (sources that can resume from them). */
  commit?(positions: ReadonlyMap<string, string>, watermark: number): Promise<void>;
  progress?(): SourceProgress;
  /** Release connections, after the pipeline's last commit. */
  close?(): Promise<void>;
}
