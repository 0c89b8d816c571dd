/**
 * Standard input as a source: like one file (plain or gzip), sliced over partitions.
 */
import type { Readable } from 'node:stream';
import { readChunks, STDIN } from './file-chunks.js';
import { linePayloads } from './line-payloads.js';
import type { Source, SourceSink } from './source.js';

export interface StdinSourceOptions {
  payloadBytes: number;
  slices: number;
  maxJsonBytes: number;
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
      const used = new Set<string>();
      let index = 0;
      for await (const { payload, end } of linePayloads(readChunks(STDIN, options.stdin), options.payloadBytes, options.maxJsonBytes, (size) => sink.allocate(size))) {
        const partition = `stdin#${index % options.slices}`;
        used.add(partition);
        index++;
        bytes = end;
        await sink.push({ partition, position: String(end), payload, owned: true });
        if (stopped) break;
      }
      for (const partition of used) sink.endPartition(partition);
      ready = false;
    },
  };
}
