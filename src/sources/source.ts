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
}

export interface SourceSink {
  /** Hand over a payload. Resolves when the pipeline has room for more (backpressure). */
  push(payload: SourcePayload): Promise<void>;
  /** No more payloads will come for this partition. */
  endPartition(partition: string): void;
}

export interface SourceProgress {
  bytes: number;
  totalBytes: number | null;
}

export interface Source {
  readonly name: string;
  /** Read until the input ends (finite sources) or stop() is called. */
  run(sink: SourceSink): Promise<void>;
  stop(): void;
  /** Connected and reading (for /readyz). */
  readonly ready: boolean;
  /** Commit positions that are safe (sources that can resume from them). */
  commit?(positions: ReadonlyMap<string, string>, watermark: number): Promise<void>;
  progress?(): SourceProgress;
}
