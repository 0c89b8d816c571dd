/** A source the test drives by hand: it hands over the pipeline's sink, and ends when told. */
import type { Source, SourceSink } from '../../src/sources/source.js';

export interface ManualSource {
  source: Source;
  /** The sink, once the pipeline runs the source. */
  sink: Promise<SourceSink>;
  /** The source's run ends (the test ends its partitions first). */
  end(): void;
}

export function manualSource(commit?: Source['commit']): ManualSource {
  let started!: (sink: SourceSink) => void;
  const sink = new Promise<SourceSink>((resolve) => (started = resolve));
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const source: Source = {
    name: 'test',
    ready: true,
    stop() {},
    async run(given) {
      started(given);
      await ended;
    },
    ...(commit ? { commit } : {}),
  };
  return { source, sink, end };
}
