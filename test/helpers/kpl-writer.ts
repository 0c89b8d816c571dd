/**
 * A KPL aggregated record built by hand (a tiny protobuf writer), for tests: the independent
 * counterpart of src/decode/kpl.ts.
 */
import { createHash } from 'node:crypto';

const MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

const key = (field: number, wireType: number): number[] => varint(field * 8 + wireType);
const bytesField = (field: number, bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from([...key(field, 2), ...varint(bytes.length)]), bytes]);
const varintField = (field: number, value: number): Buffer => Buffer.from([...key(field, 0), ...varint(value)]);

export interface AggregateOptions {
  /** Put unknown fields of every wire type in, which a reader must skip. */
  unknownFields?: boolean;
  /** Corrupt the trailing MD5. */
  badMd5?: boolean;
}

/** An aggregated record holding `records` in order, one partition key each. */
export function kplAggregate(records: readonly Uint8Array[], options: AggregateOptions = {}): Buffer {
  const parts: Buffer[] = [];
  records.forEach((_, i) => parts.push(bytesField(1, Buffer.from(`pk-${i}`))));
  parts.push(bytesField(2, Buffer.from('170141183460469231731687303715884105728')));
  if (options.unknownFields) {
    parts.push(varintField(9, 300), Buffer.from([...key(10, 1), 1, 2, 3, 4, 5, 6, 7, 8]), Buffer.from([...key(11, 5), 1, 2, 3, 4]));
    parts.push(Buffer.from([...key(12, 3), ...key(1, 0), 7, ...key(12, 4)]));
  }
  records.forEach((data, i) => {
    const tag = bytesField(4, Buffer.concat([bytesField(1, Buffer.from('k')), bytesField(2, Buffer.from('v'))]));
    const fields = [varintField(1, i), varintField(2, 0), bytesField(3, data), tag];
    if (options.unknownFields) fields.push(varintField(15, 2 ** 40));
    parts.push(bytesField(3, Buffer.concat(fields)));
  });
  const message = Buffer.concat(parts);
  const md5 = createHash('md5').update(message).digest();
  if (options.badMd5) md5[0] = md5[0]! ^ 0xff;
  return Buffer.concat([MAGIC, message, md5]);
}
