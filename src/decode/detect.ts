/**
 * Recognising a payload's shape from its first bytes. Only the shapes files and stdin carry are
 * here; message payloads (KPL aggregation, JSON records) extend it.
 */
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/** Whether a file is Apache Parquet (AWS delivers flow logs to S3 as Parquet when asked to): it starts with "PAR1". */
export function isParquet(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

/**
 * Whether the first byte that is not whitespace opens a JSON document: an object (a CloudWatch
 * Logs envelope, a record with a `message`) or an array of them. No flow-log text line starts so.
 */
export function startsJson(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x7b || byte === 0x5b;
  }
  return false;
}
