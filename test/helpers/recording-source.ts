/** A Source wrapper that records what the source pushes, for tests of order and positions. */
import type { Source, SourcePayload, SourceSink } from '../../src/sources/source.js';

export interface PushRecord {
  partition: string;
  position: string;
  bytes: number;
}

/** Wraps a source to record every payload it pushes, and (in `events`) the pushes and partition ends in order. */
export function recording(source: Source): { source: Source; pushes: PushRecord[]; events: string[] } {
  const pushes: PushRecord[] = [];
  const events: string[] = [];
  const wrapped: Source = {
    name: source.name,
    get ready() {
      return source.ready;
    },
    prepare: source.prepare?.bind(source),
    commit: source.commit?.bind(source),
    close: source.close?.bind(source),
    stop: () => source.stop(),
    run: (sink: SourceSink) =>
      source.run({
        push: (payload: SourcePayload) => {
          pushes.push({ partition: payload.partition, position: payload.position, bytes: payload.payload.length });
          events.push(`push ${payload.partition}`);
          return sink.push(payload);
        },
        announce: (partitions: readonly string[]) => sink.announce(partitions),
        restore: (marks: ReadonlyMap<string, number>) => sink.restore(marks),
        allocate: (size: number) => sink.allocate(size),
        inputFailed: (input: string, error: Error) => sink.inputFailed(input, error),
        endPartition: (partition: string) => {
          events.push(`end ${partition}`);
          sink.endPartition(partition);
        },
      }),
  };
  return { source: wrapped, pushes, events };
}
