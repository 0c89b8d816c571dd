/**
 * A record as one JSON line. Written by hand because JSON.stringify cannot print a bigint as a
 * number, and u64 counters above 2^53 must survive exactly.
 */
import type { FieldValue } from '../tokenizer/index.js';

export function jsonLine(record: Record<string, FieldValue>): string {
  let line = '{';
  let first = true;
  for (const key in record) {
    const value = record[key];
    line += `${first ? '' : ','}${JSON.stringify(key)}:${typeof value === 'bigint' ? value.toString() : JSON.stringify(value)}`;
    first = false;
  }
  return `${line}}`;
}
