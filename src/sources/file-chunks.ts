/**
 * Reading a file (or stdin) as a stream of byte chunks, gunzipped when it starts with the gzip
 * magic bytes (concatenated gzip members, as AWS writes them, are read through).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isGzip, isParquet } from '../decode/detect.js';
import { VpcflowError } from '../errors.js';

export const STDIN = '-';

async function* gunzipped(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Large output chunks: fewer, bigger pieces for the payload cutter downstream.
  const gunzip = createGunzip({ chunkSize: 256 << 10 });
  const feed = (async () => {
    try {
      if (!gunzip.write(first)) await new Promise((resolve) => gunzip.once('drain', resolve));
      for (let next = await rest.next(); !next.done; next = await rest.next()) {
        if (!gunzip.write(next.value)) await new Promise((resolve) => gunzip.once('drain', resolve));
      }
      gunzip.end();
    } catch (error) {
      gunzip.destroy(error as Error);
    }
  })();
  for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  await feed;
}

/** The decompressed bytes of `path` ('-' for stdin), chunk by chunk. */
export async function* readChunks(path: string, stdin: Readable = process.stdin): AsyncGenerator<Uint8Array> {
  const stream: Readable = path === STDIN ? stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await iterator.next();
  } catch (cause) {
    throw new VpcflowError('VPCFLOW_INPUT_UNREADABLE', `cannot read ${path === STDIN ? 'standard input' : path}: ${(cause as Error).message}`, { cause, context: { path } });
  }
  if (first.done) return;
  if (isParquet(first.value)) {
    // Read as text, its bytes would be one bad record after another.
    const name = path === STDIN ? 'standard input' : path;
    throw new VpcflowError(
      'VPCFLOW_INPUT_UNREADABLE',
      `${name} is a Parquet file; vpcflow reads flow logs in AWS's text format (plain or gzip). Deliver the flow log to S3 as text (file format "plain-text"), or convert the file first, e.g. with DuckDB: COPY (FROM '${name}') TO 'flows.log' (DELIMITER ' ', HEADER, NULLSTR '-')`,
      { context: { path } },
    );
  }
  if (isGzip(first.value)) {
    try {
      yield* gunzipped(first.value, iterator);
    } catch (cause) {
      throw new VpcflowError('VPCFLOW_INPUT_UNREADABLE', `cannot decompress ${path}: ${(cause as Error).message} (is the gzip file truncated?)`, { cause, context: { path } });
    }
    return;
  }
  yield first.value;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
}
