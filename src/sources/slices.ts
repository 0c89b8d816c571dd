/**
 * Pushing one input (a file, standard input) into the pipeline as line payloads spread over
 * `slices` partitions, so every worker gets a share of a single large input. An input that breaks
 * off (a truncated gzip file, a read error) is reported to the sink, with what was read before the
 * break pushed, and the source goes on; errors of the pipeline itself propagate.
 */
import { linePayloads } from './line-payloads.js';
import type { SourceSink } from './source.js';

export interface SliceOptions {
  /** Payload size to aim for. */
  payloadBytes: number;
  /** Partitions the input is sliced into (payload i goes to slice i mod slices). */
  slices: number;
  maxJsonBytes: number;
}

/**
 * Push the payloads of `chunks` to partitions `${prefix}#<slice>` until the input ends or `stopped()`;
 * `read(end)` is told how far into the input each pushed payload ends. Ends the partitions used.
 */
export async function pushSlices(
  input: string,
  prefix: string,
  chunks: AsyncIterable<Uint8Array>,
  options: SliceOptions,
  sink: SourceSink,
  stopped: () => boolean,
  read: (end: number) => void = () => undefined,
): Promise<void> {
  const used = new Set<string>();
  let index = 0;
  let pushing = false;
  try {
    for await (const { payload, end } of linePayloads(chunks, options.payloadBytes, options.maxJsonBytes, (size) => sink.allocate(size))) {
      const partition = `${prefix}#${index++ % options.slices}`;
      used.add(partition);
      read(end);
      pushing = true;
      await sink.push({ partition, position: String(end), payload, owned: true });
      pushing = false;
      if (stopped()) break;
    }
  } catch (error) {
    if (pushing) throw error;
    sink.inputFailed(input, error instanceof Error ? error : new Error(String(error)));
  }
  for (const partition of used) sink.endPartition(partition);
}
