/**
 * Flow-log files for benchmarks and the file source: millions of generated lines streamed to disk
 * in chunks, optionally gzip-compressed as S3 delivers them, in bounded memory.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { VpcflowError } from '../errors.js';
import type { Format } from '../format/format.js';
import { type FlowRecord, type GeneratorOptions, createFlowGenerator } from './generator.js';
import { encodeLines, formatVersion } from './render.js';

export interface FlowLogFileOptions extends GeneratorOptions {
  /** Number of records to write. */
  records: number;
  format: Format;
  /** gzip the file, as S3 delivery does. Default false. */
  gzip?: boolean;
  /** Start with a header line naming the fields, as S3 delivery does. Default false. */
  header?: boolean;
}

/** Records per chunk: about 2 MB of text for the 29-field format. */
const CHUNK_RECORDS = 8192;

/**
 * Write `records` generated records to `path`. The `version` field defaults to what AWS writes for
 * `format` (formatVersion), unlike the generator's own default.
 */
export async function writeFlowLogFile(path: string, options: FlowLogFileOptions): Promise<void> {
  const { records, format, gzip = false, header = false, ...generatorOptions } = options;
  if (!Number.isInteger(records) || records < 0) {
    throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `writeFlowLogFile: records = ${records}; give a whole number of records, 0 or more`, { context: { records } });
  }
  const generator = createFlowGenerator({ version: formatVersion(format), ...generatorOptions });
  function* chunks(): Generator<Buffer> {
    const batch: FlowRecord[] = [];
    let first = true;
    for (let written = 0; written < records || first; ) {
      batch.length = Math.min(CHUNK_RECORDS, records - written);
      for (let i = 0; i < batch.length; i++) batch[i] = generator.next();
      written += batch.length;
      yield encodeLines(batch, format, { header: header && first });
      first = false;
    }
  }
  const source = Readable.from(chunks(), { objectMode: false });
  const sink = createWriteStream(path);
  await (gzip ? pipeline(source, createGzip(), sink) : pipeline(source, sink));
}
