/**
 * KPL (Kinesis Producer Library) aggregated records: many user records packed into one Kinesis
 * record, as the KPL and Firehose-compatible producers write them.
 *
 *   ┌──────────────┬──────────────────────────────────┬──────────────────────────┐
 *   │ F3 89 9A C2  │ protobuf AggregatedRecord         │ MD5 of the protobuf (16) │
 *   └──────────────┴──────────────────────────────────┴──────────────────────────┘
 *   AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
 *                      repeated Record records = 3 }
 *   Record { uint64 partition_key_index = 1; uint64 explicit_hash_key_index = 2; bytes data = 3; repeated Tag tags = 4 }
 *
 * Only `data` matters here (keys route records to shards, which has already happened), so the
 * reader is a small hand-written one that skips every other field.
 */
import { createHash } from 'node:crypto';

const MAGIC = [0xf3, 0x89, 0x9a, 0xc2] as const;
const MD5_BYTES = 16;

const AGGREGATED_RECORDS = 3;
const RECORD_DATA = 3;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

/** Thrown inside the reader only; deaggregate() turns it into null. */
class Malformed extends Error {}

interface Cursor {
  bytes: Uint8Array;
  at: number;
  end: number;
}

function readVarint(c: Cursor): number {
  let value = 0;
  for (let shift = 0; shift < 64; shift += 7) {
    if (c.at >= c.end) throw new Malformed('truncated varint');
    const byte = c.bytes[c.at++]!;
    // Lengths and indexes are small; anything past 2^53 is not a length we can use anyway.
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
  throw new Malformed('varint longer than 10 bytes');
}

function readLength(c: Cursor): number {
  const length = readVarint(c);
  if (length > c.end - c.at) throw new Malformed('length past the end');
  return length;
}

function skipField(c: Cursor, field: number, wireType: number): void {
  switch (wireType) {
    case WIRE_VARINT:
      readVarint(c);
      return;
    case WIRE_FIXED64:
      c.at += 8;
      break;
    case WIRE_LENGTH_DELIMITED: {
      const length = readLength(c);
      c.at += length;
      return;
    }
    case WIRE_FIXED32:
      c.at += 4;
      break;
    case WIRE_START_GROUP:
      // Groups are deprecated protobuf, but a valid message may still carry one: skip to its end.
      for (;;) {
        const key = readVarint(c);
        if ((key & 7) === WIRE_END_GROUP) {
          if (key >>> 3 !== field) throw new Malformed('mismatched end group');
          return;
        }
        skipField(c, key >>> 3, key & 7);
      }
    default:
      throw new Malformed(`wire type ${wireType}`);
  }
  if (c.at > c.end) throw new Malformed('fixed field past the end');
}

/** The data of one Record message (empty when the field is absent). */
function readRecordData(c: Cursor): Uint8Array {
  let data: Uint8Array = new Uint8Array(0);
  while (c.at < c.end) {
    const key = readVarint(c);
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === RECORD_DATA && wireType === WIRE_LENGTH_DELIMITED) {
      const length = readLength(c);
      data = c.bytes.subarray(c.at, c.at + length);
      c.at += length;
    } else {
      skipField(c, field, wireType);
    }
  }
  return data;
}

export function isKplAggregate(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length + MD5_BYTES && MAGIC.every((byte, i) => bytes[i] === byte);
}

/**
 * The user records of a KPL aggregated record, as views into `bytes`, in order. Null when the
 * bytes are not one (no magic, MD5 mismatch, or a protobuf that does not parse): the caller then
 * passes them on as they are, and the decoder counts them if they are junk.
 */
export function deaggregate(bytes: Uint8Array): Uint8Array[] | null {
  if (!isKplAggregate(bytes)) return null;
  const end = bytes.length - MD5_BYTES;
  const message = bytes.subarray(MAGIC.length, end);
  const digest = createHash('md5').update(message).digest();
  if (!digest.equals(bytes.subarray(end))) return null;
  const c: Cursor = { bytes, at: MAGIC.length, end };
  const records: Uint8Array[] = [];
  try {
    while (c.at < c.end) {
      const key = readVarint(c);
      const field = key >>> 3;
      const wireType = key & 7;
      if (field === AGGREGATED_RECORDS && wireType === WIRE_LENGTH_DELIMITED) {
        const length = readLength(c);
        records.push(readRecordData({ bytes, at: c.at, end: c.at + length }));
        c.at += length;
      } else {
        skipField(c, field, wireType);
      }
    }
  } catch (error) {
    if (error instanceof Malformed) return null;
    throw error;
  }
  return records;
}
