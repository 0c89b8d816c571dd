/**
 * Building KPL aggregated records (what the Kinesis Producer Library writes): magic F3 89 9A C2,
 * a protobuf AggregatedRecord { repeated string partition_key_table = 1; repeated Record
 * records = 3 { uint64 partition_key_index = 1; bytes data = 3 } }, then the MD5 of the protobuf.
 */
import { createHash } from 'node:crypto';

const MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function field(number: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

/** One aggregated record carrying `records`, all under `partitionKey`. */
export function aggregate(records: readonly Uint8Array[], partitionKey: string): Buffer {
  const parts: Buffer[] = [field(1, Buffer.from(partitionKey))];
  for (const data of records) parts.push(field(3, Buffer.concat([varint(1 << 3), varint(0), field(3, data)])));
  const body = Buffer.concat(parts);
  return Buffer.concat([MAGIC, body, createHash('md5').update(body).digest()]);
}
