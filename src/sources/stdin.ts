/**
 * Standard input as a source: like one file (plain or gzip), sliced over partitions.
 */
import type { Readable } from 'node:stream';
import { readChunks, STDIN } from './file-chunks.js';
import { pushSlices, type SliceOptions } from './slices.js';
import type { Source, SourceSink } from './source.js';

export interface StdinSourceOptions extends SliceOptions {
  stdin?: Readable;
}

export function createStdinSource(options: StdinSourceOptions): Source {
  let stopped = false;
  let ready = false;
  let bytes = 0;
  return {
    name: 'stdin',
    get ready() {
      return ready;
    },
    progress: () => ({ bytes, totalBytes: null }),
    stop() {
      stopped = true;
    },
    async run(sink: SourceSink) {
      ready = true;
      await pushSlices('standard input', 'stdin', readChunks(STDIN, options.stdin), options, sink, () => stopped, (end) => (bytes = end));
      ready = false;
    },
  };
}
